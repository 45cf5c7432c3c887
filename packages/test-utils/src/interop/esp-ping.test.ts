/**
 * A ping through the tunnel with strongSwan 5.9.8 (issue 8's proof): charon
 * with kernel-libipsec in the test's namespace carries ESP-in-UDP to our
 * engine; the system `ping -I 10.10.10.1` (an address on charon's side,
 * inside its local_ts) reaches our core interface address 192.168.10.1,
 * which exists only in our data plane.
 *
 *   namespace
 *     vb 10.10.10.1/24 (kernel) --route 192.168.10.0/24 (charon, table 220)--> ipsec0 (TUN)
 *       --> charon libipsec: ESP-in-UDP 127.0.0.1:15501 -> 127.0.0.2:16501
 *       --> our engine: openEsp --> DataPlane: gw -> core, rule set, echo reply
 *       --> route 10.10.10.0/24 via gw --> sealEsp --> charon --> ipsec0 --> ping
 *
 * Replies come back while our rule `Allow gw all-nets-ip4 core all-nets-ip4
 * ICMP` exists; after a config without it, pings fail and our data plane
 * reports the drop naming the missing rule. The CHILD_SA counters and the
 * ESP flows move with the traffic.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateConfig } from '@tunnelscope/engine';
import { startCharon, type Charon } from '../charon.ts';
import { createNetns, type Netns } from '../netns.ts';
import { renderConf } from '../strongswan-conf.ts';
import { describeInterop } from '../require-tool.ts';
import { startEngineHost, type EngineHost } from './engine-host.ts';
import type { GatewayConfig } from './engine-host-protocol.ts';
import { CHARON, OURS, charonConf, tunnelToCharon } from './interop-lab.ts';

/** Our core interface address: on Side A's network, in our data plane only (no kernel interface has it). */
const CORE_ADDRESS = '192.168.10.1';
/** Charon's side: a real interface address inside its local_ts. */
const HOST_B = '10.10.10.1';

const PING_RULE = {
  name: 'ping-core',
  action: 'Allow',
  sourceInterface: 'gw',
  sourceNetwork: 'all-nets-ip4',
  destinationInterface: 'core',
  destinationNetwork: 'all-nets-ip4',
  service: 'ICMP',
};

function espLabConfig(withRule: boolean, tunnel: Record<string, unknown> = tunnelToCharon()): GatewayConfig {
  const result = validateConfig({
    interfaces: [{ name: 'int', addresses: [`${CORE_ADDRESS}/24`] }],
    routes: [{ network: CHARON.network, interface: 'gw' }],
    ipRules: withRule ? [PING_RULE] : [],
    tunnels: [tunnel],
    engine: {
      ikePort: OURS.ikePort,
      natTPort: OURS.natTPort,
      listenAddresses: [OURS.address],
      retransmit: { initialTimeoutMs: 1000, backoff: 1.5, tries: 3 },
    },
  });
  if (!result.ok) throw new Error(`esp ping lab: config is invalid:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result.config;
}

/** The system ping from charon's side, bound to its address inside local_ts. */
async function systemPing(netns: Netns, count: number): Promise<{ code: number; text: string; received: number }> {
  const result = await netns.exec('ping', ['-n', '-c', String(count), '-i', '0.3', '-W', '2', '-I', HOST_B, CORE_ADDRESS], { allowFailure: true, timeoutMs: 20_000 });
  const text = result.stdout + result.stderr;
  const received = Number(/(\d+) received/.exec(text)?.[1] ?? '-1');
  return { code: result.code ?? -1, text, received };
}

async function startEspCharon(netns: Netns): Promise<Charon> {
  const charon = await startCharon({
    netns,
    name: 'esp-ping',
    ikePort: CHARON.ikePort,
    natTPort: CHARON.natTPort,
    logLevels: { ike: 1, enc: 1, cfg: 1, knl: 2, esp: 2, chd: 1 },
    // kernel-libipsec steers traffic into its TUN device by the routes charon installs for each CHILD_SA.
    charonSettings: { install_routes: 'yes', retransmit_timeout: 1, retransmit_base: 1.4, retransmit_tries: 2 },
    conf: renderConf(charonConf()),
  });
  await charon.loadAll();
  return charon;
}

describeInterop('interop with strongSwan 5.9.8: ping through the tunnel (ESP-in-UDP, kernel-libipsec)', ['charon', 'netns'], () => {
  let netns: Netns;
  let charon: Charon;
  let engine: EngineHost;

  beforeAll(async () => {
    // Only charon's side has a kernel address (vb); Side A's network lives in our data plane.
    netns = await createNetns({ label: 'esp-ping', veths: [{ a: 'va', b: 'vb', bAddress: `${HOST_B}/24` }] });
    [charon, engine] = await Promise.all([startEspCharon(netns), startEngineHost({ netns })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([charon?.stop(), engine?.close()]);
    await netns?.destroy();
  });

  it('charon\'s host pings our core address: answered with the ICMP rule, refused and explained without it', async () => {
    await engine.start(espLabConfig(true));
    expect(await engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    await engine.waitFor('child.sa.up');
    await charon.waitForLog(/CHILD_SA net\{\d+\} established/);

    const allowed = await systemPing(netns, 3);
    expect(allowed.text).toContain(`from ${CORE_ADDRESS}`);
    expect(allowed.received, allowed.text).toBe(3);

    const [child] = await engine.call('listChildSas');
    expect(child).toMatchObject({ state: 'installed', packetsIn: 3, packetsOut: 3 });
    expect(child!.bytesIn).toBe(3 * 84);
    expect(child!.bytesOut).toBe(3 * 84);
    // ESP flows keyed by the CHILD_SA's SPIs (in and out), between the two IKE endpoints.
    const espFlows = engine.ofType('flow.created').filter((event) => event.flow.protocol === 'ESP');
    expect(espFlows.map((event) => event.flow.destination.spi).sort()).toEqual([`0x${child!.spiInbound}`, `0x${child!.spiOutbound}`].sort());
    expect(espFlows.every((event) => event.flow.childSaId === child!.id && event.flow.tunnel === 'gw')).toBe(true);
    expect(engine.ofType('dataplane.esp.error')).toEqual([]);
    // charon's kernel-libipsec counted the same traffic the other way round, with the SPIs mirrored.
    const [sa] = await charon.listSas();
    const charonChild = sa!.childSas[0]!;
    expect(charonChild).toMatchObject({ state: 'INSTALLED', encap: true, spiIn: child!.spiOutbound, spiOut: child!.spiInbound });
    expect(charonChild.raw).toMatchObject({ 'bytes-out': String(child!.bytesIn), 'packets-out': '3', 'bytes-in': String(child!.bytesOut), 'packets-in': '3' });

    expect(await engine.call('applyConfig', espLabConfig(false))).toMatchObject({ ok: true });
    const refused = await systemPing(netns, 2);
    expect(refused.received, refused.text).toBe(0);
    const drop = await engine.waitFor('dataplane.packet.dropped', (event) => event.code === 'no_matching_rule' && event.destination === CORE_ADDRESS);
    expect(drop).toMatchObject({ sourceInterface: 'gw', destinationInterface: 'core', source: HOST_B, protocol: 'ICMP' });
    expect(drop.message).toMatch(/no rule allows ICMP from gw/i);
    const [after] = await engine.call('listChildSas');
    // The echo requests still arrived through ESP: the rule set refused them, not the tunnel.
    expect(after).toMatchObject({ packetsIn: 5, packetsOut: 3, bytesIn: 5 * 84 });
    const [charonAfter] = (await charon.listSas())[0]!.childSas;
    expect(charonAfter!.raw).toMatchObject({ 'packets-out': '5', 'bytes-out': String(5 * 84), 'packets-in': '3' });
  }, 60_000);

  it('seed 13.6.6 #3: after our side lost the tunnel (restart), charon\'s ESP arrives for an SPI we do not have and is reported', async () => {
    const [charonSa] = await charon.listSas();
    const staleSpi = charonSa!.childSas[0]!.spiOut;
    // A fresh gateway: no SAs, while charon still has its IKE_SA and CHILD_SA (its ESP leaves from the IKE_SA's port).
    await engine.start(espLabConfig(true));
    const lost = await systemPing(netns, 2);
    expect(lost.received, lost.text).toBe(0);
    const error = await engine.waitFor('dataplane.esp.error', (event) => event.code === 'unknown_spi');
    expect(error).toMatchObject({ spi: `0x${staleSpi}`, tunnel: 'gw', remote: { address: CHARON.address, port: charonSa!.localPort }, local: { address: OURS.address, port: OURS.natTPort } });
    expect(error.message).toContain("up on the peer's side only");
    expect(await engine.call('listChildSas')).toEqual([]);
  }, 60_000);

  it('keep-alive heals a tunnel charon lost in a restart: probes lost, SAs deleted, negotiated again (renegotiateAfterLost)', async () => {
    // A clean start on both sides, then our tunnel with keep-alive to charon's kernel address and no DPD.
    await charon.stop();
    charon = await startEspCharon(netns);
    const watched = {
      ...tunnelToCharon(),
      dpd: { enabled: false },
      keepAlive: { enabled: true, sourceAddress: CORE_ADDRESS, destinationAddress: HOST_B, intervalSeconds: 1, renegotiateAfterLost: 3 },
    };
    await engine.start(espLabConfig(true, watched));
    expect(await engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    await engine.waitFor('dataplane.keepalive', (event) => event.state === 'ok', 15_000);
    const [first] = await charon.listSas();
    expect(first).toBeDefined();

    // charon crashes and restarts: no DELETE, its SAs are gone, ours still look up; only our probes notice.
    await charon.stop({ crash: true });
    charon = await startEspCharon(netns);
    const verdict = await engine.waitFor('dataplane.keepalive', (event) => event.state === 'renegotiating', 20_000);
    expect(verdict).toMatchObject({ tunnel: 'gw', source: CORE_ADDRESS, destination: HOST_B, lost: 3, renegotiations: 1 });
    const healed = await engine.waitFor('dataplane.keepalive', (event) => event.state === 'ok' && event.time > verdict.time, 20_000);
    expect(healed.renegotiations).toBe(1);
    expect(engine.ofType('child.sa.down').some((event) => event.reason === 'keepalive_failed')).toBe(true);

    // charon has the new tunnel, and its CHILD_SA carried our probes and their answers.
    const [now] = await charon.listSas();
    expect(now!.childSas[0]!.state).toBe('INSTALLED');
    const ours = (await engine.call('listChildSas')).find((child) => child.state === 'installed')!;
    expect(now!.childSas[0]).toMatchObject({ spiIn: ours.spiOutbound, spiOut: ours.spiInbound });
    expect(Number(now!.childSas[0]!.raw['packets-in'])).toBeGreaterThan(0);
    expect(Number(now!.childSas[0]!.raw['packets-out'])).toBeGreaterThan(0);
  }, 90_000);
});
