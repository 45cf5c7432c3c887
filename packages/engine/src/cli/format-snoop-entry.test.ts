import { describe, expect, it } from 'vitest';
import { formatSnoopEntry, type SnoopEntry } from './format-snoop-entry.ts';

/** Seed 13.6.4, character for character ("formatting changed slightly to fit the page": wrapped at 80 columns). */
const SEED_SNOOP = [
  'SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 <- 172.22.53.23:500',
  ' IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
  'SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 -> 172.22.53.23:500',
  ' IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(MULT_AUTH) ]',
  'SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 <- 172.22.53.23:500',
  ' IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) N(ESP_TFC_PAD_N)',
  '   N(NON_FIRST_FRAG) ]',
  'SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 -> 172.22.53.23:500',
  ' IKE_AUTH response 1 [ IDr AUTH SA TSi TSr N(AUTH_LFT) ]',
].join('\n');

/** 12:30:09 in Stockholm on 22 November is 11:30:09 UTC. */
const at = Date.UTC(2025, 10, 22, 11, 30, 9);
const base = { timestamp: at, timeZone: 'Europe/Stockholm', local: { address: '172.22.53.18', port: 500 }, remote: { address: '172.22.53.23', port: 500 } };
const entries: SnoopEntry[] = [
  { ...base, direction: 'in', summary: 'IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]' },
  { ...base, direction: 'out', summary: 'IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(MULT_AUTH) ]' },
  { ...base, direction: 'in', summary: 'IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) N(ESP_TFC_PAD_N) N(NON_FIRST_FRAG) ]' },
  { ...base, direction: 'out', summary: 'IKE_AUTH response 1 [ IDr AUTH SA TSi TSr N(AUTH_LFT) ]' },
];

describe('formatSnoopEntry', () => {
  it('prints the seed\'s four entries character for character (wrapped at 80 columns)', () => {
    expect(entries.map((entry) => formatSnoopEntry(entry, { wrapWidth: 80 })).join('\n')).toBe(SEED_SNOOP);
  });

  it('does not wrap by default', () => {
    expect(formatSnoopEntry(entries[2] as SnoopEntry).split('\n')).toEqual([
      'SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 <- 172.22.53.23:500',
      ' IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) N(ESP_TFC_PAD_N) N(NON_FIRST_FRAG) ]',
    ]);
  });

  it('uses the gateway\'s time zone, brackets IPv6 endpoints and appends the -full text', () => {
    const text = formatSnoopEntry({
      timestamp: at,
      timeZone: 'UTC',
      local: { address: '2001:db8::1', port: 4500 },
      remote: { address: '2001:db8::2', port: 4500 },
      direction: 'out',
      summary: 'INFORMATIONAL request 2 [ ]',
      fullText: '  (empty)\n',
    });
    expect(text).toBe('SNOOP: IKEv2: 2025-11-22 11:30:09 [2001:db8::1]:4500 -> [2001:db8::2]:4500\n INFORMATIONAL request 2 [ ]\n  (empty)');
  });
});
