import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRANSMIT_POLICY, onRetransmitTimer, retransmitBudgetMs, retransmitDelayMs } from './retransmit.ts';
import { randomBelow, seededEntropy } from './entropy.ts';

describe('retransmission schedule (charon defaults)', () => {
  it('backs off 4 s * 1.8^n and gives up after 5 retransmissions (~165 s)', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => retransmitDelayMs(DEFAULT_RETRANSMIT_POLICY, n))).toEqual([4000, 7200, 12960, 23328, 41990, 75583]);
    expect(retransmitBudgetMs(DEFAULT_RETRANSMIT_POLICY)).toBe(165_061);
    expect(onRetransmitTimer(DEFAULT_RETRANSMIT_POLICY, 4, 0)).toEqual({ action: 'resend', attempt: 5, nextAt: 75583 });
    expect(onRetransmitTimer(DEFAULT_RETRANSMIT_POLICY, 5, 0)).toEqual({ action: 'give_up', attempts: 6 });
  });
});

describe('seeded entropy', () => {
  it('is deterministic per seed and uniform enough for jitter', () => {
    expect(seededEntropy('x').bytes(40)).toEqual(seededEntropy('x').bytes(40));
    expect(seededEntropy('x').bytes(8)).not.toEqual(seededEntropy('y').bytes(8));
    const entropy = seededEntropy('jitter');
    const draws = Array.from({ length: 1000 }, () => randomBelow(entropy, 10));
    for (let v = 0; v < 10; v++) expect(draws.filter((d) => d === v).length).toBeGreaterThan(60);
  });
});
