import { describe, expect, it } from 'vitest';
import { emptyIkeStatCounters } from './ike-stat-counters.ts';
import { formatIkeStatTable } from './format-ike-stat-table.ts';

/** Seed 13.6.3, character for character (the separator line holds one space). */
const SEED_IKE_STAT = [
  '         IKE Statistics',
  '',
  'Statistic                     Value',
  '----------------------------  -----',
  'IKE SAs active                2',
  'IKE SA negotiations active    0',
  'IKE SA negotiations done      3',
  'IKE SA negotiations failed    1',
  'IKE SA rekeys active          0',
  'IKE SA rekeys done            0',
  'IKE SA rekeys failed          0',
  ' ',
  'IPsec SAs active              2',
  'IPsec SA negotiations active  0',
  'IPsec SA negotiations done    2',
  'IPsec SA negotiations failed  0',
  'IPsec SA rekeys active        0',
  'IPsec SA rekeys done          0',
  'IPsec SA rekeys failed        0',
].join('\n');

describe('formatIkeStatTable', () => {
  it('prints the seed\'s table for the seed\'s values', () => {
    expect(
      formatIkeStatTable({
        ...emptyIkeStatCounters(),
        ikeSasActive: 2,
        ikeNegotiationsDone: 3,
        ikeNegotiationsFailed: 1,
        ipsecSasActive: 2,
        ipsecNegotiationsDone: 2,
      }),
    ).toBe(SEED_IKE_STAT);
  });

  it('keeps wide values in the value column', () => {
    const text = formatIkeStatTable({ ...emptyIkeStatCounters(), ipsecNegotiationsDone: 1234567 });
    expect(text.split('\n')).toContain('IPsec SA negotiations done    1234567');
  });
});
