import { describe, expect, it } from 'vitest';
import { codes, ofType, pairTunnels, startBench } from './__tests__/two-gateways.ts';

describe('IKEv2 negotiation between two gateways (in memory)', () => {
  it.each([
    ['aes128gcm16-prfsha256-x25519', 'aes128gcm16'],
    ['aes256-sha256-modp2048', 'aes256-sha256'],
    ['chacha20poly1305-prfsha256-ecp256', 'chacha20poly1305'],
  ])('establishes IKE SA and first CHILD_SA with %s', async (ike, esp) => {
    const { a, b } = pairTunnels({ a: { ikeProposals: [ike], ipsecProposals: [esp] }, b: { ikeProposals: [ike], ipsecProposals: [esp] } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.snoop.setMode('brief');
    bench.b.snoop.setMode('brief');
    expect(bench.a.initiate('ab')).toMatchObject({ ok: true });
    bench.settle();
    const lines = ofType(bench.eventsB, 'snoop.message').map((e) => `${e.direction} ${e.summary}`);
    expect(lines[0]).toMatch(/^in IKE_SA_INIT request 0 \[ SA KE No N\(NATD_S_IP\) N\(NATD_D_IP\) N\(FRAG_SUP\) \]$/);
    expect(lines[1]).toMatch(/^out IKE_SA_INIT response 0 \[ SA KE No N\(NATD_S_IP\) N\(NATD_D_IP\) (N\(FRAG_SUP\) )?N\(MULT_AUTH\) \]/);
    expect(lines[2]).toMatch(/^in IKE_AUTH request 1 \[ IDi N\(INIT_CONTACT\) AUTH SA TSi TSr \]/);
    expect(lines[3]).toMatch(/^out IKE_AUTH response 1 \[ IDr AUTH SA TSi TSr N\(AUTH_LFT\) \]/);
    expect(bench.a.listIkeSas()).toHaveLength(1);
    expect(bench.a.listIkeSas()[0]).toMatchObject({ state: 'established', role: 'initiator', tunnel: 'ab' });
    expect(bench.b.listIkeSas()[0]).toMatchObject({ state: 'established', role: 'responder', tunnel: 'ab' });
    const childA = bench.a.listChildSas()[0]!;
    const childB = bench.b.listChildSas()[0]!;
    expect(childA.state).toBe('installed');
    expect(childA.spiInbound).toBe(childB.spiOutbound);
    expect(childA.spiOutbound).toBe(childB.spiInbound);
    expect(bench.a.stats()).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecSasActive: 1, ipsecNegotiationsDone: 1, ikeNegotiationsFailed: 0 });
    expect(bench.b.stats()).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecSasActive: 1, ipsecNegotiationsDone: 1 });
    expect(codes(bench.eventsA).filter((c) => c !== 'nat_detected')).toEqual([]);
    await bench.stop();
  });
});
