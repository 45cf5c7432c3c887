/** The 13.6.6 #1 rules on real engine event streams (and a few hand-made events for what the engine cannot be made to send). */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../diagnose.ts';
import type { DiagnosisEvent } from '../model/diagnosis-input.ts';
import { PEER, US, mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';
import { makeConfig } from '../__tests__/lab-bench.ts';

describe('no proposal chosen', () => {
  it('as responder: names the transform types, shows both lists and offers a non-deprecated proposal from the peer\'s offer', async () => {
    const ours = ourTunnel({ ikeProposals: ['aes128gcm16-prfsha256-x25519'] });
    const { findings, input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeProposals: ['aes256-sha256-modp2048'] })], initiator: 'peer' });
    const [top] = findings;
    expect(top).toMatchObject({ code: 'no_proposal_chosen', title: 'Could not find acceptable proposal / no proposal chosen', phase: 'ike', side: 'local', tunnel: 'hq-branch', peer: PEER });
    expect(top!.facts).toMatchObject({ role: 'responder', peerProposals: ['IKE:aes256-prfsha256-sha256-modp2048'], unmatchedTransformTypes: ['ENCR', 'INTEG', 'DH'], proposalToAdd: 'aes256-sha256-modp2048' });
    expect(top!.explanation).toMatch(/no common ENCR \(encryption algorithm\), INTEG .*, DH \(DH group\)/);
    expect(top!.explanation).toMatch(/Lifetimes are not negotiated in IKEv2/);
    expect(top!.fixes[0]!.actions).toEqual([{ kind: 'add-proposal', tunnel: 'hq-branch', list: 'ikeProposals', proposal: 'aes256-sha256-modp2048', position: 'last' }]);
    // Evidence: the coded event, its lifecycle twin, and the snoop lines of the cited datagrams.
    expect(top!.evidence.events.map((e) => e.type)).toEqual(expect.arrayContaining(['log.event', 'ike.negotiation.failed']));
    expect(top!.evidence.snoopLines.map((l) => l.text).join('\n')).toMatch(/IKE_SA_INIT request 0 \[ SA KE No/);
    for (const item of top!.evidence.events) expect(input.events.some((e) => e.id === item.eventId)).toBe(true);
  });

  it('as initiator without the peer\'s offer: "unknown", and the advice to snoop while the remote side initiates', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeProposals: ['aes256-sha256-modp2048'] })] });
    expect(findings[0]).toMatchObject({ code: 'no_proposal_chosen', side: 'either', fixes: [], facts: { peerProposals: 'unknown', unmatchedTransformTypes: 'unknown' } });
    expect(findings[0]!.confidence.score).toBeLessThan(0.8);
    expect(findings[0]!.fixSteps[0]).toMatch(/ike -snoop -full/);
  });

  it('as initiator after the peer once initiated: the daemon\'s comparison names the types', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours, { ikeProposals: ['aes256-sha256-modp2048'] })],
      initiator: 'peer',
      then: (lab) => {
        lab.gateway.initiate('hq-branch');
        lab.settle();
      },
    });
    expect(findings[0]).toMatchObject({ code: 'no_proposal_chosen', side: 'local', facts: { unmatchedTransformTypes: ['ENCR', 'INTEG', 'DH'] } });
    expect(findings[0]!.evidence.occurrences).toBe(2);
  });

  it('phase 2: the IKE SA is up, the CHILD_SA fails; the explanation mentions networks and PFS', async () => {
    const ours = ourTunnel({ ipsecProposals: ['aes128gcm16-x25519'] });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ipsecProposals: ['aes256-sha256'] })], initiator: 'peer' });
    expect(findings[0]).toMatchObject({ code: 'no_proposal_chosen', phase: 'ipsec', side: 'local' });
    // The offer came in IKE_AUTH (no DH): our PFS group is kept on the added proposal.
    expect(findings[0]!.facts.proposalToAdd).toBe('aes256-sha256-x25519');
    expect(findings[0]!.explanation).toMatch(/networks are negotiated here too/);
  });

  it('a peer offering only deprecated algorithms gets no machine fix: the fix is the peer\'s', () => {
    const config = makeConfig([ourTunnel()]);
    const events: DiagnosisEvent[] = [
      {
        id: 7,
        event: {
          type: 'log.event',
          time: 1000,
          code: 'no_proposal_chosen',
          severity: 'error',
          condition: 'ike_proposal_unacceptable',
          message: 'phase 1 (IKE) proposal mismatch',
          tunnel: 'hq-branch',
          peer: { address: PEER, port: 500 },
          phase: 'ike',
          side: 'responder',
          ikeSaId: 'ike-1',
          messageIds: [0],
          evidence: { datagramIds: [1, 2], offered: ['IKE:aes128-sha1-prfsha1-modp1024', 'IKE:3des-md5-prfmd5-modp2048'], configured: ['IKE:aes128gcm16-prfsha256-x25519'], unmatchedTransformTypes: ['ENCR', 'PRF', 'DH'], combination: false },
        },
      },
    ];
    const [finding] = diagnose({ config, events, now: 2000 });
    expect(finding).toMatchObject({ code: 'no_proposal_chosen', side: 'remote', fixes: [], facts: { proposalToAdd: null } });
    expect(finding!.fixSteps[0]).toMatch(/RFC 8247/);
    // Datagrams 1 and 2 are named by the event: they are cited, nothing else.
    expect(finding!.evidence.datagramIds).toEqual([1, 2]);
  });

  it('a peer no tunnel accepts: the addresses are the problem (13.6.1)', async () => {
    const ours = ourTunnel({ remoteEndpoint: '198.51.100.99', remoteId: { type: 'ipv4', value: '198.51.100.99' } });
    const peer = mirrorTunnel(ourTunnel());
    const { findings } = await runPair({ ours: [ours], peer: [peer], initiator: 'peer' });
    expect(findings[0]).toMatchObject({ code: 'no_proposal_chosen', tunnel: null, peer: PEER });
    expect(findings[0]!.explanation).toMatch(/found no tunnel/);
  });
});

describe('DH groups', () => {
  it('no common DH group as responder: a proposal with the peer\'s group is offered', async () => {
    const ours = ourTunnel({ ikeProposals: ['aes128gcm16-prfsha256-x25519'] });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeProposals: ['aes128gcm16-prfsha256-ecp384'] })], initiator: 'peer' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'no_common_dh_group', side: 'local', facts: { ourGroups: ['x25519'], peerGroups: ['ecp384'], proposalToAdd: 'aes128gcm16-prfsha256-ecp384' } });
  });

  it('a preferred group that differs (INVALID_KE round trip, then up) is informational, with an optional reorder', async () => {
    const ours = ourTunnel({ ikeProposals: ['aes128gcm16-prfsha256-x25519-ecp256'] });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeProposals: ['aes128gcm16-prfsha256-ecp256'] })] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'dh_group_preference', severity: 'info', side: 'local', facts: { sentGroup: 31, preferredGroup: 19 } });
    expect(findings[0]!.fixes[0]!.actions).toEqual([{ kind: 'prefer-dh-group', tunnel: 'hq-branch', group: 'ecp256' }]);
  });

  it('the same as responder: informational, the peer could offer our group first', async () => {
    const ours = ourTunnel({ ikeProposals: ['aes128gcm16-prfsha256-ecp256'] });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeProposals: ['aes128gcm16-prfsha256-x25519-ecp256'] })], initiator: 'peer' });
    expect(findings.map((f) => [f.code, f.severity, f.side])).toEqual([['dh_group_preference', 'info', 'remote']]);
  });

  it('a PFS group preference on a second CHILD_SA (CREATE_CHILD_SA with INVALID_KE, then up) is informational too', async () => {
    const ours = ourTunnel({ ipsecProposals: ['aes128gcm16-x25519-ecp256'] });
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours, { ipsecProposals: ['aes128gcm16-ecp256'] })],
      then: (lab) => {
        lab.gateway.initiate('hq-branch');
        lab.settle();
      },
    });
    expect(findings.map((f) => [f.code, f.severity, f.phase, f.facts.pfs])).toEqual([['dh_group_preference', 'info', 'ipsec', true]]);
  });

  it('the peer asking for a group we do not allow (ke_group_unacceptable) is "no common DH group"', () => {
    const config = makeConfig([ourTunnel({ ikeProposals: ['aes128gcm16-prfsha256-x25519'] })]);
    const events: DiagnosisEvent[] = [
      {
        id: 3,
        event: {
          type: 'log.event', time: 10, code: 'no_proposal_chosen', severity: 'error', condition: 'ke_group_unacceptable', message: 'asks for group 21',
          tunnel: 'hq-branch', peer: { address: PEER, port: 500 }, phase: 'ike', side: 'initiator', ikeSaId: 'ike-1', messageIds: [0],
          evidence: { datagramIds: [1, 2], requestedGroup: 21, configuredGroups: [31] },
        },
      },
    ];
    expect(diagnose({ config, events, now: 20 })[0]).toMatchObject({ code: 'no_common_dh_group', facts: { peerGroups: ['ecp521'], proposalToAdd: 'aes128gcm16-prfsha256-ecp521' } });
  });
});

describe('PFS mismatch', () => {
  for (const initiator of ['us', 'peer'] as const) {
    it(`shows at the first CHILD_SA rekey (${initiator === 'us' ? 'we' : 'the peer'} set the tunnel up, PFS on the peer only)`, async () => {
      const ours = ourTunnel({ ipsecProposals: ['aes256gcm16'], ipsecLifetimeSeconds: 300 });
      const { findings } = await runPair({
        ours: [ours],
        peer: [mirrorTunnel(ours, { ipsecProposals: ['aes256gcm16-ecp256'] })],
        initiator,
        then: (lab) => lab.advance(300_000, 5_000),
      });
      expect(findings[0]).toMatchObject({ code: 'pfs_mismatch', phase: 'ipsec' });
      expect(findings[0]!.explanation).toMatch(/only shows when the CHILD_SA is rekeyed/);
      expect(findings.filter((f) => f.code === 'no_proposal_chosen')).toEqual([]);
    });
  }
});

describe('IKE version', () => {
  it('an IKEv1 packet from the peer: the peer speaks IKEv1', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours)],
      initiator: 'us',
      then: (lab) => {
        const ikev1 = new Uint8Array(28);
        ikev1.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
        ikev1[16] = 1;
        ikev1[17] = 0x10;
        ikev1[18] = 2;
        ikev1[27] = 28;
        lab.network.enqueue({ from: { address: PEER, port: 500 }, to: { address: US, port: 500 }, bytes: ikev1 });
        lab.settle();
      },
    });
    expect(findings[0]).toMatchObject({ code: 'ike_version_mismatch', tunnel: 'hq-branch', side: 'remote' });
  });
});
