/**
 * The seed's error messages, produced by real negotiations between two
 * in-memory gateways: each failure is a coded event with evidence on the
 * side that can know it, and only the RFC notify reaches the peer.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '@tunnelscope/api';
import { A_ADDRESS, B_ADDRESS, codes, ofType, pairTunnels, startBench, tunnel } from './__tests__/two-gateways.ts';

function firstLog(events: Parameters<typeof codes>[0], code: string): LogEvent {
  const event = ofType(events, 'log.event').find((e) => e.code === code);
  if (!event) throw new Error(`no ${code} event; got ${codes(events).join(', ')}`);
  return event;
}

describe('authentication failures', () => {
  it('wrong PSK, A initiates: B says incorrect_psk with a diagnosis, A says incorrect_psk and that it cannot test the key', async () => {
    const { a, b } = pairTunnels({ b: { auth: { method: 'psk', psk: { type: 'passphrase', value: 'other-key' } } } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    const atB = firstLog(bench.eventsB, 'incorrect_psk');
    expect(atB).toMatchObject({ condition: 'auth_psk_mismatch', side: 'responder', tunnel: 'ab', phase: 'ike' });
    expect(atB.evidence.datagramIds.length).toBeGreaterThanOrEqual(3);
    expect(atB.evidence.sentToPeer).toBe('AUTHENTICATION_FAILED');
    const atA = firstLog(bench.eventsA, 'incorrect_psk');
    expect(atA).toMatchObject({ condition: 'authentication_failed_received', side: 'initiator' });
    expect(atA.evidence.pskTestable).toBe(false);
    expect(ofType(bench.eventsA, 'ike.psk.diagnosis')[0]).toMatchObject({ testable: false });
    expect(bench.a.stats()).toMatchObject({ ikeNegotiationsFailed: 1, ikeSasActive: 0, ipsecNegotiationsFailed: 0 });
    expect(bench.b.stats()).toMatchObject({ ikeNegotiationsFailed: 1, ikeSasActive: 0 });
    expect(bench.a.listIkeSas()).toEqual([]);
    expect(bench.b.listIkeSas()).toEqual([]);
    await bench.stop();
  });

  it('a lost AUTHENTICATION_FAILED answer is resent to the retransmitted IKE_AUTH (not INVALID_IKE_SPI)', async () => {
    const { a, b } = pairTunnels({ b: { auth: { method: 'psk', psk: { type: 'passphrase', value: 'other-key' } } } });
    const bench = await startBench({ a: [a], b: [b] });
    let dropped = 0;
    bench.network.filter = (d) => (d.from.address === B_ADDRESS && d.bytes[18] === 35 && dropped++ === 0 ? [] : [d]);
    bench.a.initiate('ab');
    bench.advance(10_000, 1_000);
    expect(dropped).toBe(2);
    expect(firstLog(bench.eventsA, 'incorrect_psk')).toMatchObject({ condition: 'authentication_failed_received' });
    expect(codes(bench.eventsA)).not.toContain('ike_invalid_cookie');
    expect(codes(bench.eventsB)).toEqual(['incorrect_psk']);
    await bench.stop();
  });

  it('wrong PSK, B initiates: the failure is reported on A as responder', async () => {
    const { a, b } = pairTunnels({ a: { auth: { method: 'psk', psk: { type: 'passphrase', value: 'other-key' } } } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.b.initiate('ab');
    bench.settle();
    expect(firstLog(bench.eventsA, 'incorrect_psk')).toMatchObject({ side: 'responder' });
    expect(firstLog(bench.eventsB, 'incorrect_psk')).toMatchObject({ side: 'initiator' });
    const failure = ofType(bench.eventsA, 'ike.psk.diagnosis')[0]!;
    expect(bench.a.testPsk(failure.failureId, { kind: 'passphrase', value: 's3cret-key' })).toMatchObject({ result: 'match' });
    expect(bench.a.testPsk(failure.failureId, { kind: 'passphrase', value: 'nope' })).toMatchObject({ result: 'mismatch' });
    expect(bench.a.testPsk('ab', { kind: 'passphrase', value: 's3cret-key' })).toMatchObject({ result: 'match' });
    await bench.stop();
  });

  it('PSK type mismatch (A Passphrase, B Hex of the same text): the diagnosis says the passphrase reading verifies', async () => {
    const { a, b } = pairTunnels({
      a: { auth: { method: 'psk', psk: { type: 'passphrase', value: '0a1b2c3d4e5f' } } },
      b: { auth: { method: 'psk', psk: { type: 'hex', value: '0a1b2c3d4e5f' } } },
    });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    const diagnosis = ofType(bench.eventsB, 'ike.psk.diagnosis')[0]!;
    expect(diagnosis.testable).toBe(true);
    expect(diagnosis.results).toContainEqual({ source: 'passphrase_reading', tunnel: 'ab', verifies: true });
    expect(diagnosis.conclusion).toMatch(/PSK type mismatch/);
    expect(firstLog(bench.eventsB, 'incorrect_psk').message).toMatch(/PSK type mismatch/);
    // The operator can check a candidate later without the peer retrying.
    bench.clock.advance(60_000);
    expect(bench.b.testPsk(diagnosis.failureId, { kind: 'passphrase', value: '0a1b2c3d4e5f' })).toMatchObject({ result: 'match' });
    bench.clock.advance(15 * 60_000);
    expect(bench.b.testPsk(diagnosis.failureId, { kind: 'passphrase', value: '0a1b2c3d4e5f' })).toMatchObject({ result: 'no_evidence' });
    await bench.stop();
  });

  it('a roaming tunnel above the specific one reproduces the seed symptom, and the trail shows the selection', async () => {
    const { a, b } = pairTunnels();
    const roaming = tunnel({
      name: 'roaming',
      localEndpoint: B_ADDRESS,
      remoteEndpoint: 'none',
      localNetworks: ['10.10.10.0/24'],
      remoteNetworks: ['all-nets-ip4'],
      auth: { method: 'psk', psk: { type: 'passphrase', value: 'roaming-users-key' } },
    });
    const bench = await startBench({ a: [a], b: [roaming, b] });
    bench.a.initiate('ab');
    bench.settle();
    const selections = ofType(bench.eventsB, 'tunnel.selected').map((e) => e.selection);
    expect(selections[0]).toMatchObject({ phase: 'IKE_SA_INIT', tunnel: 'roaming' });
    expect(selections[0]!.trace).toContainEqual(expect.objectContaining({ tunnel: 'ab', verdict: 'shadowed' }));
    expect(selections[1]).toMatchObject({ phase: 'IKE_AUTH', outcome: 'kept', tunnel: 'roaming' });
    const failure = firstLog(bench.eventsB, 'incorrect_psk');
    expect(failure.tunnel).toBe('roaming');
    expect(failure.evidence.pskCandidates).toContainEqual({ source: 'tunnel:ab', tunnel: 'ab', verifies: true });
    expect(failure.message).toMatch(/"ab" verifies/);
    // Moving the specific tunnel above the roaming one fixes it.
    bench.b.applyConfig({ ...bench.b['core'].config, tunnels: [b, roaming] });
    bench.a.initiate('ab');
    bench.settle();
    expect(bench.b.listIkeSas()).toContainEqual(expect.objectContaining({ tunnel: 'ab', state: 'established' }));
    await bench.stop();
  });

  it('IKE_AUTH re-selects when IDi matches another tunnel and not the selected one', async () => {
    const { a, b } = pairTunnels({ a: { localId: { type: 'fqdn', value: 'branch.example.com' } } });
    const roaming = tunnel({
      name: 'roaming',
      localEndpoint: B_ADDRESS,
      remoteEndpoint: 'none',
      localNetworks: ['10.10.10.0/24'],
      remoteNetworks: ['all-nets-ip4'],
      remoteId: { type: 'fqdn', value: '*.users.example.com' },
      auth: { method: 'psk', psk: { type: 'passphrase', value: 'roaming-users-key' } },
    });
    const bBranch = { ...b, remoteId: { type: 'fqdn' as const, value: 'branch.example.com' } };
    const bench = await startBench({ a: [a], b: [roaming, bBranch] });
    bench.a.initiate('ab');
    bench.settle();
    const selections = ofType(bench.eventsB, 'tunnel.selected').map((e) => e.selection);
    expect(selections[1]).toMatchObject({ phase: 'IKE_AUTH', outcome: 'switched', previousTunnel: 'roaming', tunnel: 'ab' });
    expect(bench.b.listIkeSas()[0]).toMatchObject({ tunnel: 'ab', state: 'established' });
    await bench.stop();
  });
});

describe('proposal failures', () => {
  it('IKE proposal mismatch: the responder names the transform types, the initiator says its peer is unknown', async () => {
    const { a, b } = pairTunnels({ b: { ikeProposals: ['aes256-sha256-modp2048'] } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    const atB = firstLog(bench.eventsB, 'no_proposal_chosen');
    expect(atB).toMatchObject({ condition: 'ike_proposal_unacceptable', phase: 'ike', side: 'responder' });
    expect(atB.evidence.offered).toEqual(['IKE:aes128gcm16-prfsha256-x25519']);
    expect(atB.evidence.configured).toEqual(['IKE:aes256-prfsha256-sha256-modp2048']);
    expect(atB.evidence.unmatchedTransformTypes).toEqual(['ENCR', 'INTEG', 'DH']);
    const atA = firstLog(bench.eventsA, 'no_proposal_chosen');
    expect(atA).toMatchObject({ condition: 'no_proposal_chosen_received', side: 'initiator' });
    expect(atA.evidence.unmatchedTransformTypes).toBe('unknown');
    expect(bench.a.stats().ikeNegotiationsFailed).toBe(1);
    expect(bench.b.stats().ikeNegotiationsFailed).toBe(1);
    // Once the peer has initiated to us, its offer is known and compared.
    bench.b.initiate('ab');
    bench.settle();
    bench.a.initiate('ab');
    bench.settle();
    const later = ofType(bench.eventsA, 'log.event').filter((e) => e.condition === 'no_proposal_chosen_received').at(-1)!;
    expect(later.evidence.unmatchedTransformTypes).toEqual(['ENCR', 'INTEG', 'DH']);
    await bench.stop();
  });

  it('only the DH group differs: DH is the transform type named', async () => {
    const { a, b } = pairTunnels({ b: { ikeProposals: ['aes128gcm16-prfsha256-modp2048'] } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    expect(firstLog(bench.eventsB, 'no_proposal_chosen').evidence.unmatchedTransformTypes).toEqual(['DH']);
    await bench.stop();
  });

  it('INVALID_KE_PAYLOAD: the initiator retries once with the group the responder asks for', async () => {
    const { a, b } = pairTunnels({ a: { ikeProposals: ['aes128gcm16-prfsha256-x25519-ecp256'] }, b: { ikeProposals: ['aes128gcm16-prfsha256-ecp256'] } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.snoop.setMode('brief');
    bench.a.initiate('ab');
    bench.settle();
    expect(codes(bench.eventsA)).toContain('invalid_ke_retry');
    expect(codes(bench.eventsB)).toContain('invalid_ke_requested');
    const summaries = ofType(bench.eventsA, 'snoop.message').map((e) => e.summary);
    expect(summaries[1]).toBe('IKE_SA_INIT response 0 [ N(INVAL_KE) ]');
    expect(bench.a.listIkeSas()[0]).toMatchObject({ state: 'established' });
    expect(bench.a.stats()).toMatchObject({ ikeNegotiationsDone: 1, ikeNegotiationsFailed: 0 });
    expect(bench.b.stats()).toMatchObject({ ikeNegotiationsDone: 1, ikeNegotiationsFailed: 0 });
    await bench.stop();
  });

  it('ESP proposal mismatch: the IKE SA is up, the CHILD_SA fails with no_proposal_chosen in phase 2', async () => {
    const { a, b } = pairTunnels({ b: { ipsecProposals: ['aes256-sha256'] } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    const atB = firstLog(bench.eventsB, 'no_proposal_chosen');
    expect(atB).toMatchObject({ condition: 'child_proposal_unacceptable', phase: 'ipsec' });
    expect(atB.evidence.unmatchedTransformTypes).toEqual(['ENCR', 'INTEG']);
    expect(firstLog(bench.eventsA, 'no_proposal_chosen')).toMatchObject({ phase: 'ipsec' });
    for (const side of [bench.a, bench.b]) {
      expect(side.stats()).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecNegotiationsFailed: 1, ipsecSasActive: 0 });
    }
    await bench.stop();
  });
});

describe('traffic selectors (seed 13.6.7)', () => {
  // Side A: local 192.168.10.0/24, remote 10.10.10.0/24. Side B: local 10.10.10.0/24, remote 192.168.0.0/16 (larger).
  const seedSides = (policyA: 'strict' | 'narrow') =>
    pairTunnels({ a: { responderPolicy: policyA }, b: { remoteNetworks: ['192.168.0.0/16'] } });

  it('strict: A can initiate towards B, B cannot initiate towards A (TS_UNACCEPTABLE)', async () => {
    const { a, b } = seedSides('strict');
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    expect(bench.a.listChildSas()[0]).toMatchObject({ state: 'installed' });
    bench.a.deleteIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    bench.b.initiate('ab');
    bench.settle();
    const atA = firstLog(bench.eventsA, 'ts_unacceptable');
    expect(atA).toMatchObject({ condition: 'ts_unacceptable_local', phase: 'ipsec', side: 'responder' });
    expect(atA.evidence.proposedTsr).toEqual(['192.168.0.0/16']);
    expect(firstLog(bench.eventsB, 'ts_unacceptable')).toMatchObject({ condition: 'ts_unacceptable_received' });
    expect(bench.b.stats()).toMatchObject({ ipsecNegotiationsFailed: 1 });
    await bench.stop();
  });

  it('narrow: the larger proposal is narrowed to the configured network', async () => {
    const { a, b } = seedSides('narrow');
    const bench = await startBench({ a: [a], b: [b] });
    bench.b.initiate('ab');
    bench.settle();
    expect(bench.b.listChildSas()[0]).toMatchObject({ state: 'installed', remoteTs: ['192.168.10.0/24'] });
    expect(bench.a.listChildSas()[0]).toMatchObject({ localTs: ['192.168.10.0/24'] });
    await bench.stop();
  });

  it('non-overlapping networks are refused under both policies', async () => {
    for (const policy of ['strict', 'narrow'] as const) {
      const { a, b } = pairTunnels({ b: { responderPolicy: policy, localNetworks: ['172.16.0.0/24'] } });
      const bench = await startBench({ a: [a], b: [b] });
      bench.a.initiate('ab');
      bench.settle();
      expect(firstLog(bench.eventsB, 'ts_unacceptable')).toMatchObject({ condition: 'ts_unacceptable_local' });
      await bench.stop();
    }
  });
});

describe('version and bad input', () => {
  it('an IKEv1 packet is reported as ike_version_mismatch, never as malformed', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    const ikev1 = new Uint8Array(28);
    ikev1.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
    ikev1[16] = 1; // SA
    ikev1[17] = 0x10; // major version 1
    ikev1[18] = 2; // Identity Protection (Main Mode)
    ikev1[27] = 28;
    bench.network.enqueue({ from: { address: A_ADDRESS, port: 500 }, to: { address: B_ADDRESS, port: 500 }, bytes: ikev1 });
    bench.settle();
    expect(codes(bench.eventsB)).toEqual(['ike_version_mismatch']);
    expect(bench.b.drops().ikev1).toBe(1);
    expect(bench.b.drops().malformed).toBe(0);
    await bench.stop();
  });

  it('fuzzed, truncated and replayed packets never crash the daemon and are counted', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    bench.b.snoop.setMode('brief');
    bench.a.initiate('ab');
    bench.settle();
    const captured = bench.network.log.map((d) => d.bytes);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const send = (bytes: Uint8Array) =>
      bench.network.enqueue({ from: { address: A_ADDRESS, port: 500 }, to: { address: B_ADDRESS, port: 500 }, bytes });
    for (let i = 0; i < 3000; i++) {
      const original = captured[random() % captured.length]!;
      const mutated = new Uint8Array(original);
      const flips = 1 + (random() % 4);
      for (let f = 0; f < flips; f++) mutated[random() % mutated.length] = random() & 0xff;
      send(i % 3 === 0 ? mutated.subarray(0, random() % mutated.length) : mutated);
    }
    for (const original of captured) send(original); // replays
    expect(() => bench.settle()).not.toThrow();
    // The same towards the initiator, and during a handshake in progress.
    bench.a.initiate('ab');
    for (let i = 0; i < 1000; i++) {
      const original = captured[random() % captured.length]!;
      const mutated = new Uint8Array(original);
      mutated[random() % mutated.length] = random() & 0xff;
      bench.network.enqueue({ from: { address: B_ADDRESS, port: 500 }, to: { address: A_ADDRESS, port: 500 }, bytes: mutated });
    }
    expect(() => bench.settle()).not.toThrow();
    expect(bench.a.drops().internal_error).toBe(0);
    const drops = bench.b.drops();
    const total = Object.values(drops).reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(2500);
    expect(drops.internal_error).toBe(0);
    expect(drops.replayed + drops.unknown_spi + drops.integrity_failed + drops.malformed + drops.truncated).toBeGreaterThan(0);
    // Still healthy: the established SAs survive and a new negotiation works.
    expect(bench.b.listIkeSas().filter((s) => s.state === 'established')).toHaveLength(1);
    expect(ofType(bench.eventsB, 'ike.datagram.dropped').length).toBe(total);
    await bench.stop();
  });
});
