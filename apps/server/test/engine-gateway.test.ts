/**
 * The product adapter over the real engine: two EngineGateways on loopback
 * UDP negotiate for real; the server under test drives one of them through
 * REST and sees the other side's answers in SAs, stats, snoop and the stream.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineGateway } from '../src/plugins/app/engine-gateway.ts';
import type { GatewayConfig } from '../src/plugins/app/gateway-port.ts';
import { startTestServer, type StreamClientHandle, type TestServer } from './support/harness.ts';
import { loopbackTunnelConfig } from './support/loopback-tunnel-config.ts';

const A = '127.0.1.11';
const B = '127.0.1.12';
const IKE_PORT = 16600 + (process.pid % 200);
const NAT_T_PORT = IKE_PORT + 1000;
const PSK = 'engine-test-psk-42';

function config(local: string, remote: string, localNets: string[], remoteNets: string[]): Record<string, unknown> {
  return loopbackTunnelConfig({ ikePort: IKE_PORT, natTPort: NAT_T_PORT, psk: PSK }, local, remote, localNets, remoteNets);
}

describe('EngineGateway (real engine, loopback UDP)', () => {
  let t: TestServer;
  let peer: EngineGateway;
  let stream: StreamClientHandle;

  beforeAll(async () => {
    peer = new EngineGateway();
    await peer.start();
    const peerConfig = peer.validateConfig(config(B, A, ['10.10.10.0/24'], ['192.168.10.0/24']));
    if (!peerConfig.ok) throw new Error(JSON.stringify(peerConfig.errors));
    await peer.applyConfig(peerConfig.config as GatewayConfig);
    t = await startTestServer({
      gateway: new EngineGateway() as never,
      config: config(A, B, ['192.168.10.0/24'], ['10.10.10.0/24']),
    });
    stream = await t.connect({ token: t.tokens.viewer });
    stream.send({ type: 'subscribe', id: 'sa', topic: 'sa', filter: { tunnel: 'ab' } });
    stream.send({ type: 'subscribe', id: 'snoop', topic: 'snoop' });
    await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'snoop');
  });
  afterAll(async () => {
    await stream?.close();
    await t?.close();
    await peer?.stop();
  });

  it('reads the engine config redacted, with the engine’s defaults filled in', async () => {
    const r = await t.request('GET', '/api/v1/config', { token: t.tokens.viewer });
    expect(r.json.config.tunnels[0].auth.psk.value).toEqual({ set: true });
    expect(r.json.config.engine.ikePort).toBe(IKE_PORT);
    const bad = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: { tunnels: [{ name: 'x' }] } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('config_invalid');
    expect(bad.json.error.fields.length).toBeGreaterThan(0);
    expect(bad.json.error.fields.every((f: { path: string }) => f.path.startsWith('tunnels'))).toBe(true);
  });

  it('initiates a real negotiation and shows SAs, counters, snoop lines, events and pcap', async () => {
    expect((await t.request('PUT', '/api/v1/snoop', { token: t.tokens.operator, body: { mode: 'brief' } })).status).toBe(200);
    const init = await t.request('POST', '/api/v1/tunnels/ab/initiate', { token: t.tokens.operator });
    expect(init.status).toBe(202);
    await stream.waitFor((f) => f.type === 'event' && f.data.type === 'child.sa.up', 10_000);

    const ike = (await t.request('GET', '/api/v1/sas/ike', { token: t.tokens.viewer })).json.items;
    expect(ike).toHaveLength(1);
    expect(ike[0]).toMatchObject({ tunnel: 'ab', state: 'established', role: 'initiator', local: { address: A, port: IKE_PORT }, remote: { address: B } });
    const child = (await t.request('GET', '/api/v1/sas/child', { token: t.tokens.viewer })).json.items;
    expect(child[0]).toMatchObject({ tunnel: 'ab', state: 'installed', localTs: ['192.168.10.0/24'], remoteTs: ['10.10.10.0/24'] });
    expect((await t.request('GET', '/api/v1/tunnels', { token: t.tokens.viewer })).json.items[0]).toMatchObject({ name: 'ab', state: 'up' });

    const stats = (await t.request('GET', '/api/v1/stats', { token: t.tokens.viewer })).json;
    expect(stats.counters).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecSasActive: 1, ipsecNegotiationsDone: 1 });
    expect(stats.table).toContain('IKE SAs active');

    const snoopLine = await stream.waitFor((f) => f.type === 'event' && f.data.topic === 'snoop');
    expect(snoopLine.data.text).toMatch(/^SNOOP: IKEv2: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d 127\.0\.1\.11:\d+ (->|<-) 127\.0\.1\.12:\d+\n IKE_SA_INIT request 0 \[/);

    // Datagrams reach the history on the server's pull timer: wait for all four instead of guessing how long that takes.
    const readHistory = async () => (await t.request('GET', '/api/v1/snoop/history', { token: t.tokens.viewer })).json.items;
    let history = await readHistory();
    for (let i = 0; i < 200 && history.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 25));
      history = await readHistory();
    }
    expect(history.map((h: { exchange: string; direction: string }) => `${h.exchange} ${h.direction}`).reverse()).toEqual([
      'IKE_SA_INIT out',
      'IKE_SA_INIT in',
      'IKE_AUTH out',
      'IKE_AUTH in',
    ]);
    expect(history.at(-1).text).toContain('IKE_SA_INIT request 0 [ SA KE No');
    const full = (await t.request('GET', `/api/v1/snoop/datagrams/${history.at(-1).id}?format=full`, { token: t.tokens.viewer })).json;
    expect(full.text.length).toBeGreaterThan(history.at(-1).text.length);

    const cli = await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: 'ike -stat' } });
    expect(cli.json.output).toMatch(/IKE SAs active\s+1/);

    const pcap = await t.request('GET', '/api/v1/snoop/history.pcap', { token: t.tokens.viewer });
    expect(pcap.headers.get('x-datagram-count')).toBe('4');
    let tshark = true;
    try {
      execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    } catch {
      tshark = false;
    }
    if (tshark) {
      const file = `${t.dataDir}/engine.pcap`;
      writeFileSync(file, pcap.bytes);
      const out = execFileSync('tshark', ['-r', file, '-d', `udp.port==${IKE_PORT},udpencap`, '-d', `udp.port==${NAT_T_PORT},udpencap`, '-T', 'fields', '-e', 'isakmp.exchangetype'], { encoding: 'utf8' });
      expect(out.trim().split('\n')).toEqual(['34', '34', '35', '35']);
    }
  });

  it('deletes the IKE SA through the engine', async () => {
    const ike = (await t.request('GET', '/api/v1/sas/ike', { token: t.tokens.viewer })).json.items;
    expect((await t.request('DELETE', `/api/v1/sas/ike/${ike[0].id}`, { token: t.tokens.operator })).status).toBe(202);
    await stream.waitFor((f) => f.type === 'event' && f.data.type === 'ike.sa.down', 10_000);
    expect((await t.request('GET', '/api/v1/sas/ike', { token: t.tokens.viewer })).json.items).toEqual([]);
    expect((await t.request('DELETE', '/api/v1/sas/ike/nope', { token: t.tokens.operator })).status).toBe(404);
  });

  it('never shows the PSK', () => {
    expect(t.seen.join('\n').includes(PSK)).toBe(false);
    expect(t.logs.join('').includes(PSK)).toBe(false);
  });
});

describe('EngineGateway engine runs', () => {
  it('names every engine instance: datagram ids restart, the run changes; a config on the same endpoints keeps it', async () => {
    const gateway = new EngineGateway();
    const datagrams: Array<{ run: string | undefined; id: number | undefined; direction: string; exchange: string | undefined }> = [];
    const eventRuns: Array<string | undefined> = [];
    gateway.subscribe({
      event: (e) => eventRuns.push(e.engineRun),
      datagram: (d) => datagrams.push({ run: d.engineRun, id: d.engineDatagramId, direction: d.direction, exchange: d.exchange }),
    });
    await gateway.start();
    const apply = async (local: string, remoteNets: string[]) => {
      const checked = gateway.validateConfig(config(local, '127.0.1.22', ['192.168.30.0/24'], remoteNets));
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      await gateway.applyConfig(checked.config as GatewayConfig);
    };
    const initiateAndWait = async (count: number) => {
      await gateway.initiate('ab');
      for (let i = 0; i < 100 && datagrams.length < count; i++) await new Promise((r) => setTimeout(r, 20));
      expect(datagrams.length).toBeGreaterThanOrEqual(count);
    };
    try {
      await apply('127.0.1.21', ['10.30.0.0/24']);
      await initiateAndWait(1);
      const first = datagrams[0]!;
      expect(first).toMatchObject({ id: 1, direction: 'out', exchange: 'IKE_SA_INIT' });
      expect(first.run).toMatch(/\S/);

      // Same endpoints: the engine instance (and its id sequence) carries on.
      await apply('127.0.1.21', ['10.31.0.0/24']);
      const before = datagrams.length;
      await initiateAndWait(before + 1);
      expect(datagrams[before]!.run).toBe(first.run);
      expect(datagrams[before]!.id).toBeGreaterThan(1);

      // Other endpoints: a new engine instance; its ids start again at 1 under a new run.
      await apply('127.0.1.23', ['10.31.0.0/24']);
      const restartedAt = datagrams.length;
      await initiateAndWait(restartedAt + 1);
      const restarted = datagrams[restartedAt]!;
      expect(restarted).toMatchObject({ id: 1, direction: 'out', exchange: 'IKE_SA_INIT' });
      expect(restarted.run).not.toBe(first.run);
      expect(new Set(eventRuns.filter((r) => r !== undefined))).toEqual(new Set([first.run, restarted.run]));
    } finally {
      await gateway.stop();
    }
  });
});
