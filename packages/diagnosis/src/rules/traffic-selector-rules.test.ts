/** 13.6.7 and phase-2 network mismatches on real engine event streams. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../diagnose.ts';
import { proposeFix } from '../fixes/propose-fix.ts';
import { parseNetwork } from '../net/ip-networks.ts';
import { mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';
import { relateNetworks } from './traffic-selector-rules.ts';

const net = (text: string) => parseNetwork(text)!.range;

describe('network relations', () => {
  it('equal, smaller, larger, partial, disjoint', () => {
    expect(relateNetworks([net('10.0.0.0/24')], [net('10.0.0.0/24')])).toBe('equal');
    expect(relateNetworks([net('10.0.0.0/25')], [net('10.0.0.0/24')])).toBe('smaller');
    expect(relateNetworks([net('10.0.0.0/16')], [net('10.0.0.0/24')])).toBe('larger');
    expect(relateNetworks([net('10.0.0.0/24'), net('10.9.0.0/24')], [net('10.0.0.0/24')])).toBe('larger');
    expect(relateNetworks([net('10.0.0.128/24'), net('172.16.0.0/24')], [net('10.0.0.0/25'), net('192.168.0.0/24')])).toBe('partial');
    expect(relateNetworks([net('172.16.0.0/24')], [net('10.0.0.0/24')])).toBe('disjoint');
  });
});

// The seed's example: side A local 192.168.10.0/24, remote 10.10.10.0/24; side B local 10.10.10.0/24, remote 192.168.10.0/16.
describe('the tunnel can only be initiated from one side', () => {
  it('we are side A (strict): B\'s initiation is refused, both networks are named, both fixes work on the engine', async () => {
    const ours = ourTunnel({ localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.10.10.0/24'] });
    const peer = mirrorTunnel(ours, { remoteNetworks: ['192.168.0.0/16'] });
    const { findings, input } = await runPair({ ours: [ours], peer: [peer], initiator: 'peer' });
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ code: 'one_sided_initiation', title: 'The tunnel can only be initiated from one side', phase: 'ipsec', side: 'local' });
    expect(finding!.explanation).toMatch(/the peer's remote network 192\.168\.0\.0\/16 is larger than our local network 192\.168\.10\.0\/24/);
    expect(finding!.fixes.map((f) => f.id)).toEqual(['set-local-networks', 'responder-policy-narrow']);
    for (const option of finding!.fixes) {
      const fix = proposeFix(finding!, input.config, { fixId: option.id });
      if (!fix.ok) throw new Error(fix.reason);
      const again = await runPair({ ours: fix.newConfig.tunnels, peer: [peer], initiator: 'peer' });
      expect(again.findings.filter((f) => f.severity !== 'info'), option.id).toEqual([]);
      expect(again.input.saState?.childSas.some((c) => c.state === 'installed')).toBe(true);
    }
  });

  it('we are side B (larger network, initiating): with the peer\'s own CHILD_SA in the SA table, its size is known and the fix sets ours', async () => {
    const ours = ourTunnel({ localNetworks: ['10.10.10.0/24'], remoteNetworks: ['192.168.0.0/16'] });
    const peer = mirrorTunnel(ours, { localNetworks: ['192.168.10.0/24'] });
    const { findings, input } = await runPair({
      ours: [ours],
      peer: [peer],
      initiator: 'peer',
      then: (lab) => {
        lab.gateway.initiate('hq-branch');
        lab.settle();
      },
    });
    expect(findings[0]).toMatchObject({ code: 'one_sided_initiation', side: 'local', facts: { role: 'initiator' } });
    expect(findings[0]!.explanation).toMatch(/our remote network 192\.168\.0\.0\/16 is larger than the peer's local network 192\.168\.10\.0\/24/);
    const fix = proposeFix(findings[0]!, input.config);
    expect(fix.ok && fix.newConfig.tunnels[0]!.remoteNetworks).toEqual(['192.168.10.0/24']);
  });

  it('we are side B without anything known of the peer: a hedged finding', async () => {
    const ours = ourTunnel({ localNetworks: ['10.10.10.0/24'], remoteNetworks: ['192.168.0.0/16'] });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { localNetworks: ['192.168.10.0/24'] })] });
    expect(findings[0]).toMatchObject({ code: 'one_sided_initiation', side: 'either', fixes: [] });
    expect(findings[0]!.confidence.score).toBeLessThan(0.7);
  });

  it('the same with the peer config supplied: exact', async () => {
    const ours = ourTunnel({ localNetworks: ['10.10.10.0/24'], remoteNetworks: ['192.168.0.0/16'] });
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { localNetworks: ['192.168.10.0/24'] })] });
    const [finding] = diagnose({ ...input, peerConfig: { 'hq-branch': { localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.10.10.0/24'] } } });
    expect(finding).toMatchObject({ code: 'one_sided_initiation', side: 'local', facts: { source: 'the peer configuration you supplied' } });
  });
});

describe('mismatching networks', () => {
  it('networks that do not overlap at all: the Local Network on one side must be the Remote Network on the other', async () => {
    const ours = ourTunnel({ localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.10.10.0/24'] });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { localNetworks: ['172.16.5.0/24'] })], initiator: 'peer' });
    expect(findings[0]).toMatchObject({ code: 'network_mismatch', title: 'Could not find acceptable proposal / no proposal chosen', side: 'either' });
    expect(findings[0]!.explanation).toMatch(/the peer's local network is 172\.16\.5\.0\/24, our remote network is 10\.10\.10\.0\/24 \(no overlap\)/);
  });
});
