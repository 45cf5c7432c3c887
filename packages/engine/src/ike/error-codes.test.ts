import { describe, expect, it } from 'vitest';
import { SEED_ERROR_CODES } from '@tunnelscope/api';
import { DAEMON_ERROR_CODES, DAEMON_ERROR_MESSAGES, DROP_REASONS, IKE_FAILURE_CONDITIONS } from './error-codes.ts';

describe('the IKEv2 condition -> seed error code table', () => {
  it('documents every condition with a code, a description and an RFC reference', () => {
    for (const [condition, mapping] of Object.entries(IKE_FAILURE_CONDITIONS)) {
      expect(DAEMON_ERROR_CODES, condition).toContain(mapping.code);
      expect(mapping.description.length, condition).toBeGreaterThan(20);
      expect(mapping.rfc, condition).toMatch(/RFC \d+|seed/);
    }
  });

  it('every seed code is reachable from at least one condition and has the seed wording', () => {
    const used = new Set(Object.values(IKE_FAILURE_CONDITIONS).map((m) => m.code));
    for (const code of DAEMON_ERROR_CODES) {
      expect(used.has(code), code).toBe(true);
      expect(DAEMON_ERROR_MESSAGES[code].length, code).toBeGreaterThan(3);
    }
    expect(DAEMON_ERROR_CODES).toEqual([...SEED_ERROR_CODES, 'ike_version_mismatch']);
  });

  it('maps the brief\'s examples', () => {
    expect(IKE_FAILURE_CONDITIONS.unknown_ike_sa.code).toBe('ike_invalid_cookie');
    expect(IKE_FAILURE_CONDITIONS.invalid_ike_spi_received.code).toBe('ike_invalid_cookie');
    expect(IKE_FAILURE_CONDITIONS.unsupported_critical_payload.code).toBe('ike_invalid_payload');
    expect(IKE_FAILURE_CONDITIONS.payload_not_allowed.code).toBe('ike_invalid_payload');
    expect(IKE_FAILURE_CONDITIONS.unknown_child_sa.code).toBe('ike_invalid_payload');
    expect(IKE_FAILURE_CONDITIONS.undecodable_message.code).toBe('payload_malformed');
    expect(IKE_FAILURE_CONDITIONS.sk_integrity_failed.code).toBe('payload_malformed');
    expect(IKE_FAILURE_CONDITIONS.invalid_syntax_received.code).toBe('payload_malformed');
    expect(IKE_FAILURE_CONDITIONS.ikev1_packet.code).toBe('ike_version_mismatch');
  });

  it('describes every drop reason', () => {
    for (const [reason, text] of Object.entries(DROP_REASONS)) expect(text.length, reason).toBeGreaterThan(3);
  });
});
