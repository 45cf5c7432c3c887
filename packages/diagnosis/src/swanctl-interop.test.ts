/**
 * Proof of generateSwanctlConf: the swanctl.conf generated for one of OUR
 * tunnels is loaded into a real strongSwan (charon 5.9.8) in a network
 * namespace of the test's own, and charon and our engine (the gateway
 * shell with a real UdpTransport, run in the same namespace) build the
 * IKE SA and CHILD_SA in both directions. Diagnosis of our side then finds
 * nothing wrong.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNetns, describeInterop, startCharon, type Charon, type Netns } from '@tunnelscope/test-utils';
import { diagnose } from './diagnose.ts';
import { generateSwanctlConf } from './swanctl/generate-swanctl-conf.ts';
import { makeConfig, makeTunnel } from './__tests__/lab-bench.ts';
import { startEngineInNetns, type EngineProcess } from './__tests__/engine-process.ts';

const OUR_ADDRESS = '127.0.0.2';
const PEER_ADDRESS = '127.0.0.1';
const OUR_PORT = 16500;
const PEER_PORT = 15500;

describeInterop('generated swanctl.conf against our engine', ['charon', 'netns'], () => {
  let netns: Netns;
  let charon: Charon;
  let engine: EngineProcess;
  const config = makeConfig(
    [
      makeTunnel({
        name: 'hq-branch',
        localEndpoint: OUR_ADDRESS,
        remoteEndpoint: PEER_ADDRESS,
        remotePort: PEER_PORT,
        // charon's local_ts must hold one of its interface addresses (kernel-libipsec): vb is 10.10.10.1/24.
        localNetworks: ['192.168.10.0/24'],
        remoteNetworks: ['10.10.10.0/24'],
        localId: { type: 'fqdn', value: 'hq.tunnelscope.test' },
        remoteId: { type: 'fqdn', value: 'branch.example.net' },
        ikeProposals: ['aes256gcm16-prfsha384-ecp384', 'aes128-sha256-modp2048'],
        ipsecProposals: ['aes128gcm16-x25519'],
        auth: { method: 'psk', psk: { type: 'passphrase', value: 'generated-conf-proof-key' } },
      }),
    ],
    { ikePort: OUR_PORT, natTPort: OUR_PORT + 1, listenAddresses: [OUR_ADDRESS] },
  );

  beforeAll(async () => {
    netns = await createNetns('diag-swanctl');
    engine = await startEngineInNetns(netns, config);
    charon = await startCharon({
      netns,
      name: 'peer',
      ikePort: PEER_PORT,
      natTPort: PEER_PORT + 1,
      conf: generateSwanctlConf(config, 'hq-branch', { includeSecret: true }),
    });
    await charon.loadAll();
  });

  afterAll(async () => {
    await Promise.allSettled([charon?.stop(), engine?.stop()]);
    await netns?.destroy();
  });

  it('charon loads the generated conf and initiates to our engine: IKE SA and CHILD_SA up', async () => {
    const result = await charon.initiate({ child: 'net' }, { allowFailure: true });
    expect(result.code, result.stdout + result.stderr + engine.stderr()).toBe(0);
    await engine.waitForEvent((e) => e.type === 'child.sa.up' && e.tunnel === 'hq-branch');
    const sas = await charon.listSas();
    expect(sas.some((sa) => sa.state === 'ESTABLISHED')).toBe(true);
    const state = await engine.saState();
    expect(state.childSas.find((c) => c.tunnel === 'hq-branch')).toMatchObject({ state: 'installed', localTs: ['192.168.10.0/24'], remoteTs: ['10.10.10.0/24'] });
    await charon.terminate({ ike: 'hq-branch' }, { allowFailure: true });
    await engine.waitForEvent((e) => e.type === 'ike.sa.down');
  });

  it('our engine initiates to charon with the same conf: IKE SA and CHILD_SA up, and diagnosis finds nothing', async () => {
    const before = engine.events.length;
    expect(await engine.initiate('hq-branch')).toMatchObject({ ok: true });
    await engine.waitForEvent((e) => e.type === 'child.sa.up' && engine.events.findIndex((x) => x.event === e) >= before);
    const findings = diagnose({ config, events: engine.events, saState: await engine.saState(), now: Date.now() });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('a CHILD_SA rekey from charon (PFS x25519, as generated) is accepted by our engine', async () => {
    const before = engine.events.length;
    await charon.rekey({ child: 'net' });
    await engine.waitForEvent((e) => e.type === 'child.sa.rekeyed' && engine.events.findIndex((x) => x.event === e) >= before);
    const findings = diagnose({ config, events: engine.events, saState: await engine.saState(), now: Date.now() });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('a real strongSwan with a wrong ESP proposal is diagnosed: no proposal chosen (phase 2), with a fix', async () => {
    const wrong = generateSwanctlConf(config, 'hq-branch', { includeSecret: true }).replace('esp_proposals = aes128gcm16-x25519', 'esp_proposals = aes256-sha256');
    writeFileSync(join(charon.dir, 'swanctl', 'swanctl.conf'), wrong);
    await charon.terminate({ ike: 'hq-branch' }, { allowFailure: true });
    await charon.loadAll();
    const before = engine.events.length;
    const result = await charon.initiate({ child: 'net' }, { allowFailure: true });
    expect(result.code).not.toBe(0);
    await engine.waitForEvent((e) => e.type === 'log.event' && e.code === 'no_proposal_chosen' && engine.events.findIndex((x) => x.event === e) >= before);
    const findings = diagnose({ config, events: engine.events.filter((e) => e.id > before), now: Date.now() });
    expect(findings[0]).toMatchObject({ code: 'no_proposal_chosen', phase: 'ipsec', tunnel: 'hq-branch', side: 'local' });
    expect(findings[0]?.facts.peerProposals).toEqual(['ESP:aes256-sha256-noesn']);
    expect(findings[0]?.fixes[0]?.actions[0]).toMatchObject({ kind: 'add-proposal', list: 'ipsecProposals', proposal: 'aes256-sha256-x25519' });
  });
});
