/** The rule table as data: every code has a rule and a seed title, and every daemon condition is read by a rule (or named here as not diagnosed). */
import { describe, expect, it } from 'vitest';
import { IKE_FAILURE_CONDITIONS } from '@tunnelscope/engine';
import { FINDING_CATALOGUE, FINDING_CODES } from '../model/finding.ts';
import { DIAGNOSIS_RULES } from './rule-table.ts';

/** Conditions no rule turns into a finding, and why. */
const NOT_DIAGNOSED: Record<string, string> = {
  invalid_cookie: 'a COOKIE we did not issue: DoS protection at work, the peer retries with a fresh one',
};

describe('the rule table', () => {
  it('has one rule per finding code, each with a seed title and section', () => {
    expect(DIAGNOSIS_RULES.map((rule) => rule.code).sort()).toEqual([...FINDING_CODES].sort());
    for (const code of FINDING_CODES) {
      expect(FINDING_CATALOGUE[code].title.length).toBeGreaterThan(5);
      expect(FINDING_CATALOGUE[code].seedSection).toMatch(/^13\.6\./);
    }
  });

  it('reads every failure condition of the daemon\'s error-codes table', () => {
    const read = new Set(DIAGNOSIS_RULES.flatMap((rule) => rule.reads.conditions ?? []));
    const unread = Object.keys(IKE_FAILURE_CONDITIONS).filter((condition) => !read.has(condition) && !(condition in NOT_DIAGNOSED));
    expect(unread).toEqual([]);
    for (const condition of read) expect(Object.keys(IKE_FAILURE_CONDITIONS)).toContain(condition);
  });

  it('says what each rule reads and when it fires; config rules read no events', () => {
    for (const rule of DIAGNOSIS_RULES) {
      expect(rule.when.length).toBeGreaterThan(10);
      if (rule.basis === 'config') expect(rule.reads.conditions ?? []).toEqual([]);
      else expect((rule.reads.conditions?.length ?? 0) + (rule.reads.eventTypes?.length ?? 0) + (rule.reads.infoCodes?.length ?? 0)).toBeGreaterThan(0);
    }
  });

  it('puts specific causes before the message they explain', () => {
    const order = DIAGNOSIS_RULES.map((rule) => rule.code);
    expect(order.indexOf('wrong_tunnel_selected')).toBeLessThan(order.indexOf('incorrect_psk'));
    expect(order.indexOf('psk_type_mismatch')).toBeLessThan(order.indexOf('incorrect_psk'));
    expect(order.indexOf('pfs_mismatch')).toBeLessThan(order.indexOf('no_proposal_chosen'));
    expect(order.indexOf('no_common_dh_group')).toBeLessThan(order.indexOf('no_proposal_chosen'));
    expect(order.indexOf('payload_malformed')).toBeLessThan(order.indexOf('peer_not_responding'));
  });
});
