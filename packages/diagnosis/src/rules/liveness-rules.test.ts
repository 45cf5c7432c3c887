/** 13.6.6 #3 and #4 and an unresponsive peer, on real engine event streams. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../diagnose.ts';
import { proposeFix } from '../fixes/propose-fix.ts';
import { Lab } from '../__tests__/lab-bench.ts';
import { PEER, US, mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';

describe('tunnel up on one side only (Ike_invalid_payload, Ike_invalid_cookie)', () => {
  it('the peer lost the SA and our DPD is off: we learn it from INVALID_IKE_SPI; the fix enables DPD here', async () => {
    const ours = ourTunnel({ dpd: { enabled: false, intervalSeconds: 30, timeoutSeconds: 150 } });
    const { findings, input } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours)],
      then: async (lab) => {
        await lab.restart(PEER);
        lab.gateway.rekeyChildSa(lab.gateway.listChildSas()[0]!.id);
        lab.settle();
      },
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'tunnel_up_one_side', title: 'Ike_invalid_payload, Ike_invalid_cookie', side: 'local', facts: { upOn: 'us', dpdEnabledHere: false } });
    expect(findings[0]!.explanation).toMatch(/DPD is OFF here/);
    const fix = proposeFix(findings[0]!, input.config);
    expect(fix.ok && fix.newConfig.tunnels[0]!.dpd.enabled).toBe(true);
  });

  it('we lost the SA: the peer\'s DPD meets our INVALID_IKE_SPI; the fix is on the peer', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours)],
      then: async (lab) => {
        await lab.restart(US);
        lab.advance(40_000);
      },
    });
    expect(findings[0]).toMatchObject({ code: 'tunnel_up_one_side', side: 'remote', facts: { upOn: 'peer', dpdEnabledHere: true } });
    expect(findings[0]!.fixSteps[0]).toMatch(/Remove the tunnel on 198\.51\.100\.20/);
  });
});

describe('Payload_Malformed', () => {
  it('integrity failures from the peer (corrupted on the path) are Payload_Malformed', async () => {
    const ours = ourTunnel();
    const lab = await Lab.start({ seed: 'malformed', ours: { address: US, tunnels: [ours] }, peers: [{ address: PEER, tunnels: [mirrorTunnel(ours)] }] });
    lab.filter = (d) => {
      if (d.from.address !== PEER || d.bytes[18] !== 35) return [d];
      const bytes = new Uint8Array(d.bytes);
      bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0xff;
      return [{ ...d, bytes }];
    };
    lab.peer(PEER).initiate('hq-branch');
    lab.advance(120_000, 2_000);
    const findings = diagnose({ config: lab.config, events: lab.ourEvents, now: lab.now() });
    await lab.stop();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'payload_malformed', title: 'Payload_Malformed', side: 'either' });
    expect(findings[0]!.explanation).toMatch(/PSK is of the wrong TYPE/);
    expect((findings[0]!.facts.integrityFailures as number) > 0).toBe(true);
  });
});

describe('peer not responding', () => {
  // Nothing listens on this address.
  const nowhere = ourTunnel({ remoteEndpoint: '198.51.100.77', remoteId: { type: 'ipv4', value: '198.51.100.77' } });

  it('retransmissions exhausted: says which addresses to check', async () => {
    const ours = nowhere;
    const { findings } = await runPair({
      ours: [ours],
      peer: [],
      then: (lab) => lab.advance(200_000, 1_000),
    });
    expect(findings[0]).toMatchObject({ code: 'peer_not_responding', tunnel: 'hq-branch', peer: '198.51.100.77', facts: { condition: 'retransmits_exhausted', transmissions: 6 } });
  });

  it('our local endpoint on no interface raises the confidence and puts the fix here', async () => {
    const ours = nowhere;
    const { input } = await runPair({ ours: [ours], peer: [], then: (lab) => lab.advance(200_000, 1_000) });
    const config = { ...input.config, interfaces: [{ name: 'wan', addresses: ['192.0.2.99/24'], description: '' }] };
    const [finding] = diagnose({ ...input, config });
    expect(finding).toMatchObject({ code: 'peer_not_responding', side: 'local', facts: { localEndpointOnInterface: false } });
    expect(finding!.fixSteps[0]).toMatch(/192\.0\.2\.99/);
  });

  it('a dead peer (DPD) after the tunnel was up', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours)],
      then: (lab) => {
        lab.filter = () => [];
        lab.advance(400_000, 2_000);
      },
    });
    expect(findings[0]).toMatchObject({ code: 'peer_not_responding', facts: { condition: 'dead_peer' } });
  });
});
