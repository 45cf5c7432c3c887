/** Lifetime mismatch: IKEv2 does not negotiate lifetimes, so nothing fails; the peer's shorter cadence shows in the rekeys. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../diagnose.ts';
import { proposeFix } from '../fixes/propose-fix.ts';
import { mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';

describe('lifetime mismatch', () => {
  it('the peer rekeys the CHILD_SA on a shorter lifetime: a warning, from the observed cadence', async () => {
    const ours = ourTunnel({ ipsecLifetimeSeconds: 3_600 });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ipsecLifetimeSeconds: 600 })], then: (lab) => lab.advance(3_000_000, 10_000) });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'lifetime_mismatch', severity: 'warning', phase: 'ipsec', side: 'either', facts: { source: 'observed rekeys' } });
    const observed = findings[0]!.facts.observedRekeyAfterSeconds as number[];
    for (const seconds of observed) expect(seconds).toBeGreaterThanOrEqual(500);
    for (const seconds of observed) expect(seconds).toBeLessThanOrEqual(540);
    expect(findings[0]!.explanation).toMatch(/RFC 7296 §2.8/);
  });

  it('equal lifetimes: no finding however long it runs', async () => {
    // IKE lifetime long enough that no IKE SA rekey coincides with a CHILD_SA rekey (see the report: engine race).
    const ours = ourTunnel({ ipsecLifetimeSeconds: 600 });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours)], then: (lab) => lab.advance(4 * 3_600_000, 10_000) });
    expect(findings).toEqual([]);
  });

  it('one manual rekey is not a cadence', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours)],
      then: (lab) => {
        lab.advance(60_000);
        lab.gateway.rekeyChildSa(lab.gateway.listChildSas()[0]!.id);
        lab.settle();
      },
    });
    expect(findings).toEqual([]);
  });

  it('the peer\'s AUTH_LIFETIME (RFC 4478) shows its IKE lifetime when we initiate', async () => {
    const ours = ourTunnel({ ikeLifetimeSeconds: 28_800 });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeLifetimeSeconds: 3_600 })] });
    expect(findings[0]).toMatchObject({ code: 'lifetime_mismatch', phase: 'ike', facts: { source: 'AUTH_LIFETIME', peerLifetimeSeconds: 3_600 } });
  });

  it('with the peer config supplied: exact, and the fix takes the peer\'s value', async () => {
    const ours = ourTunnel();
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours)] });
    const findings = diagnose({ ...input, peerConfig: { 'hq-branch': { ipsecLifetimeSeconds: 1_800 } } });
    expect(findings[0]).toMatchObject({ code: 'lifetime_mismatch', facts: { source: 'peer config', peerLifetimeSeconds: 1_800 } });
    const fix = proposeFix(findings[0]!, input.config);
    expect(fix.ok && fix.newConfig.tunnels[0]!.ipsecLifetimeSeconds).toBe(1_800);
  });
});
