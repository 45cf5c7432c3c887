/**
 * Flows and the data plane over two real engines on loopback UDP: the
 * server's engine (127.0.1.51, host 192.168.50.10 behind `int`) and a peer
 * engine (127.0.1.52, host 10.50.0.10 behind its `int`). A ping through the
 * tunnel creates ICMP and ESP flows; the routes filter, sort and page them,
 * the stream carries their deltas, trace and ping run through the engine,
 * and the console's `flow -show` / `ping` run for real. Without a config
 * (no engine) the data-plane routes answer 503.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineGateway } from '../../../../src/plugins/app/engine-gateway.ts';
import { startTestServer, type StreamClientHandle, type TestServer } from '../../../support/harness.ts';
import { startDataPlanePair, type DataPlanePair } from '../../../support/data-plane-pair.ts';

const A = '127.0.1.51';
const B = '127.0.1.52';
const IKE_PORT = 19600 + (process.pid % 200);
const NAT_T_PORT = IKE_PORT + 1000;
const PSK = 'flows-route-test-psk';
const HOST_A = '192.168.50.10';
const HOST_B = '10.50.0.10';


describe('data-plane and certificate routes without an engine', () => {
  it('answer 503 with a clear message', async () => {
    const gateway = new EngineGateway();
    const t = await startTestServer({ gateway: gateway as never });
    try {
      // No certificate subsystem in this adapter: the certificate routes say so.
      const certs = await t.request('GET', '/api/v1/certificates/cache', { token: t.tokens.viewer });
      expect(certs.status).toBe(503);
      expect(certs.json.error).toEqual({ code: 'unavailable', message: 'certificates are not available in this engine build' });
      // The engine stops: every data-plane and certificate route answers 503.
      await gateway.stop();
      for (const [method, route, token, body] of [
        ['GET', '/api/v1/flows', t.tokens.viewer, undefined],
        ['GET', '/api/v1/flows/1', t.tokens.viewer, undefined],
        ['GET', '/api/v1/dataplane/interfaces', t.tokens.viewer, undefined],
        ['GET', '/api/v1/dataplane/counters', t.tokens.viewer, undefined],
        ['POST', '/api/v1/dataplane/trace', t.tokens.operator, { sourceInterface: 'int', protocol: 'icmp', source: HOST_A, destination: HOST_B }],
        ['POST', '/api/v1/dataplane/ping', t.tokens.operator, { destination: HOST_B }],
        ['GET', '/api/v1/certificates/cache', t.tokens.viewer, undefined],
        ['GET', '/api/v1/certificates/store', t.tokens.viewer, undefined],
      ] as const) {
        const r = await t.request(method, route, { token, ...(body ? { body } : {}) });
        expect(r.status, route).toBe(503);
        expect(r.json.error, route).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/engine is not running|not available/) });
      }
      const cli = await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: 'flow -show' } });
      expect(cli.json).toMatchObject({ exitCode: 1, output: expect.stringContaining('not available') });
    } finally {
      await t.close();
    }
  });
});

describe('flows and the data plane (two real engines, loopback UDP)', () => {
  let t: TestServer;
  let stream: StreamClientHandle;
  let pair: DataPlanePair | undefined;

  beforeAll(async () => {
    pair = await startDataPlanePair({ ikePort: IKE_PORT, natTPort: NAT_T_PORT, psk: PSK, a: { endpoint: A, network: '192.168.50.0/24', gatewayAddress: '192.168.50.1', host: HOST_A }, b: { endpoint: B, network: '10.50.0.0/24', gatewayAddress: '10.50.0.1', host: HOST_B }, topics: ['flow'] });
    ({ t, stream } = pair);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('pings through the tunnel (operator only, audited): every echo answered by the host behind the peer', async () => {
    expect((await t.request('POST', '/api/v1/dataplane/ping', { token: t.tokens.viewer, body: { destination: HOST_B } })).status).toBe(403);
    const r = await t.request('POST', '/api/v1/dataplane/ping', { token: t.tokens.operator, body: { source: HOST_A, destination: HOST_B, count: 3, timeoutMs: 2000 } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ source: HOST_A, destination: HOST_B, sent: 3, received: 3 });
    expect(r.json.replies.map((p: { ok: boolean; from?: string }) => [p.ok, p.from])).toEqual([
      [true, HOST_B],
      [true, HOST_B],
      [true, HOST_B],
    ]);
    expect(r.json.text).toContain(HOST_B);
    const audit = await t.request('GET', '/api/v1/audit', { token: t.tokens.admin });
    expect(audit.json.items.find((e: { action: string }) => e.action === 'dataplane.ping')).toMatchObject({ target: `address:${HOST_B}`, detail: { sent: 3, received: 3 } });
  });

  it('streams the new flows as flow.created deltas on the flow topic', async () => {
    const created = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'flow.created' && f.data.event.flow.protocol === 'ICMP');
    expect(created.data.topic).toBe('flow');
    expect(created.data.event.flow).toMatchObject({ source: { address: HOST_A }, destination: { address: HOST_B } });
    const esp = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'flow.created' && f.data.event.flow.protocol === 'ESP');
    expect(esp.data.event.flow.destination.spi ?? esp.data.event.flow.source.spi).toMatch(/^0x[0-9a-f]{8}$/);
  });

  it('lists flows with the flow -show filters, sorted and paged on the server', async () => {
    const all = (await t.request('GET', '/api/v1/flows?sort=protocol&order=asc', { token: t.tokens.viewer })).json;
    expect(all.total).toBeGreaterThanOrEqual(2);
    const protocols = all.flows.map((f: { protocol: string }) => f.protocol);
    expect(protocols).toContain('ICMP');
    expect(protocols).toContain('ESP');
    const numbers = all.flows.map((f: { protocolNumber: number }) => f.protocolNumber);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    const descending = (await t.request('GET', '/api/v1/flows?sort=protocol&order=desc', { token: t.tokens.viewer })).json;
    expect(descending.flows.map((f: { protocolNumber: number }) => f.protocolNumber)).toEqual([...numbers].reverse());

    const icmp = (await t.request('GET', '/api/v1/flows?proto=icmp', { token: t.tokens.viewer })).json;
    expect(icmp.flows.length).toBeGreaterThanOrEqual(1);
    expect(icmp.flows.every((f: { protocol: string }) => f.protocol === 'ICMP')).toBe(true);
    expect(icmp.flows[0]).toMatchObject({ protocolNumber: 1, source: { address: HOST_A, interface: 'int', port: 2048 }, destination: { address: HOST_B, interface: 'ab' }, tunnel: 'ab' });

    const esp = (await t.request('GET', '/api/v1/flows?proto=esp', { token: t.tokens.viewer })).json;
    expect(esp.flows.length).toBeGreaterThanOrEqual(1);
    expect(esp.flows.every((f: { protocol: string }) => f.protocol === 'ESP')).toBe(true);

    const combined = (await t.request('GET', `/api/v1/flows?proto=icmp&srcip=192.168.50.0/24&destip=${HOST_B}&srciface=int`, { token: t.tokens.viewer })).json;
    expect(combined.total).toBe(icmp.total);
    const none = (await t.request('GET', '/api/v1/flows?proto=icmp&srciface=ab', { token: t.tokens.viewer })).json;
    expect(none).toMatchObject({ total: 0, flows: [] });

    const first = (await t.request('GET', '/api/v1/flows?sort=protocol&limit=1&offset=0', { token: t.tokens.viewer })).json;
    const second = (await t.request('GET', '/api/v1/flows?sort=protocol&limit=1&offset=1', { token: t.tokens.viewer })).json;
    expect(first.total).toBe(all.total);
    expect(first.flows).toHaveLength(1);
    expect(second).toMatchObject({ offset: 1, total: all.total });
    expect(second.flows[0].id).not.toBe(first.flows[0].id);

    const one = await t.request('GET', `/api/v1/flows/${encodeURIComponent(icmp.flows[0].id)}`, { token: t.tokens.viewer });
    expect(one.status).toBe(200);
    expect(one.json.id).toBe(icmp.flows[0].id);
    expect((await t.request('GET', '/api/v1/flows/no-such-flow', { token: t.tokens.viewer })).status).toBe(404);
  });

  it('adds the flow -show text of the page with ?text=1, the same text as the console', async () => {
    const page = (await t.request('GET', '/api/v1/flows?proto=icmp&text=1', { token: t.tokens.viewer })).json;
    expect(page.text.split('\n')[0]).toMatch(/^Proto\s+Source\s+Destination\s+Timeout$/);
    expect(page.text).toContain(`int:${HOST_A}:2048`);
    const cli = await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: 'flow -show -proto=icmp' } });
    expect(cli.json.exitCode).toBe(0);
    expect(cli.json.output).toContain(`int:${HOST_A}:2048`);
    const verbose = (await t.request('GET', '/api/v1/flows?proto=icmp&text=1&verbose=1', { token: t.tokens.viewer })).json;
    expect(verbose.text).toContain('...rev:');
  });

  it('rejects bad filter values with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['proto=bogus', 'querystring.proto'],
      ['srcip=300.1.1.1', 'querystring.srcip'],
      ['destip=10.0.0.0/40', 'querystring.destip'],
      ['srcport=70000', 'querystring.srcport'],
      ['sort=nonsense', 'querystring.sort'],
      ['colour=red', 'querystring.colour'],
    ] as const) {
      const r = await t.request('GET', `/api/v1/flows?${query}`, { token: t.tokens.viewer });
      expect(r.status, query).toBe(400);
      expect(r.json.error.fields.map((f: { path: string }) => f.path), query).toContain(field);
    }
  });

  it('traces a packet: forwarded into the tunnel, or dropped naming the missing rule (operator)', async () => {
    const body = { sourceInterface: 'int', protocol: 'icmp', source: HOST_A, destination: HOST_B };
    expect((await t.request('POST', '/api/v1/dataplane/trace', { token: t.tokens.viewer, body })).status).toBe(403);
    const ok = await t.request('POST', '/api/v1/dataplane/trace', { token: t.tokens.operator, body });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ verdict: 'forward', tunnel: 'ab', rule: 'out' });
    const dropped = await t.request('POST', '/api/v1/dataplane/trace', { token: t.tokens.operator, body: { ...body, protocol: 'tcp', destinationPort: 80 } });
    expect(dropped.json.verdict).toBe('drop');
    expect(dropped.json.dropReason).toBeDefined();
    expect(dropped.json.text.length).toBeGreaterThan(0);
  });

  it('shows interfaces and counters computed from the traffic', async () => {
    const interfaces = (await t.request('GET', '/api/v1/dataplane/interfaces', { token: t.tokens.viewer })).json.items;
    const names = interfaces.map((i: { name: string }) => i.name);
    expect(names).toEqual(expect.arrayContaining(['core', 'int', 'ab']));
    const counters = (await t.request('GET', '/api/v1/dataplane/counters', { token: t.tokens.viewer })).json;
    expect(counters.espOut).toBeGreaterThanOrEqual(3);
    expect(counters.espIn).toBeGreaterThanOrEqual(3);
    expect(counters.flowsCreated).toBeGreaterThanOrEqual(2);
  });

  it('the support bundle carries the flow table, the data-plane counters and the certificate state', async () => {
    const r = await t.request('GET', '/api/v1/support-bundle?tunnel=ab', { token: t.tokens.operator });
    expect(r.status).toBe(200);
    const file = path.join(t.dataDir, 'bundle.tar');
    writeFileSync(file, r.bytes);
    const member = (name: string) => execFileSync('tar', ['-xOf', file, name], { encoding: 'utf8' });
    expect(member('flows.txt')).toMatch(new RegExp(`^ICMP\\s+int\\(\\d+\\):${HOST_A.replace(/\./g, '\\.')}:2048`, 'm'));
    expect(member('flows.txt')).toMatch(/^ESP\s+/m);
    const dataPlane = JSON.parse(member('dataplane.json'));
    expect(dataPlane.counters.espOut).toBeGreaterThanOrEqual(3);
    expect(dataPlane.interfaces.map((i: { name: string }) => i.name)).toContain('int');
    expect(JSON.parse(member('certificates.json'))).toEqual({ unavailable: 'certificates are not available in this engine build' });
  });

  it('the console runs ping for operators and completes the flow filters and interfaces', async () => {
    expect((await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: `ping ${HOST_B} -srcip=${HOST_A}` } })).status).toBe(403);
    const ping = await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: `ping ${HOST_B} -count=2 -srcip=${HOST_A}` } });
    expect(ping.json.exitCode).toBe(0);
    expect(ping.json.output).toContain(HOST_B);
    const options = (await t.request('POST', '/api/v1/cli/complete', { token: t.tokens.viewer, body: { line: 'flow -show -' } })).json.candidates;
    expect(options).toEqual(expect.arrayContaining(['-destiface=', '-srciface=', '-proto=', '-srcip=', '-destip=', '-srcport=', '-destport=']));
    const ifaces = (await t.request('POST', '/api/v1/cli/complete', { token: t.tokens.viewer, body: { line: 'flow -show -srciface=' } })).json.candidates;
    expect(ifaces).toEqual(expect.arrayContaining(['-srciface=int', '-srciface=ab']));
  });
});
