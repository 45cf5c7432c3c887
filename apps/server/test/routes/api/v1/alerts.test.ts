import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/alerts', () => {
  let t: TestServer;
  let syslog: dgram.Socket;
  let webhook: http.Server;
  const syslogLines: string[] = [];
  const hooks: unknown[] = [];

  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
    syslog = dgram.createSocket('udp4');
    syslog.on('message', (m) => syslogLines.push(m.toString('utf8')));
    await new Promise<void>((r) => syslog.bind(0, '127.0.0.1', () => r()));
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    syslog.close();
    webhook.close();
    await t.close();
  });

  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('is admin only and refuses non-loopback syslog targets naming the field', async () => {
    expect((await t.request('GET', '/api/v1/alerts/config', { token: t.tokens.operator })).status).toBe(403);
    const cfg = (await t.request('GET', '/api/v1/alerts/config', { token: t.tokens.admin })).json;
    const bad = await t.request('PUT', '/api/v1/alerts/config', { token: t.tokens.admin, body: { ...cfg, syslog: { ...cfg.syslog, host: '10.0.0.1' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields).toEqual([{ path: 'syslog.host', message: 'must be 127.0.0.0/8 or ::1' }]);
  });

  it('sends tunnel down, up and flapping alerts to syslog (RFC 5424) and webhooks', async () => {
    const body = {
      enabled: true,
      syslog: { enabled: true, host: '127.0.0.1', port: (syslog.address() as AddressInfo).port, appName: 'tunnelscope', facility: 16 },
      webhooks: [{ url: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`, enabled: true }],
      flapping: { transitions: 4, windowS: 60 },
    };
    expect((await t.request('PUT', '/api/v1/alerts/config', { token: t.tokens.admin, body })).status).toBe(200);
    t.gateway.emitEvent({ topic: 'sa', type: 'ike.sa.up', tunnel: 'branch-a', tunnelState: 'up' });
    t.gateway.emitEvent({ topic: 'sa', type: 'ike.sa.down', tunnel: 'branch-a', tunnelState: 'down', code: 'peer_not_responding' });
    await until(() => syslogLines.length >= 1 && hooks.length >= 1);
    expect(syslogLines[0]).toMatch(
      /^<130>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ tunnelscope \d+ TUNNEL_DOWN \[tunnelscope@32473 kind="tunnel_down" tunnel="branch-a"\] \uFEFFtunnel branch-a is down \(peer_not_responding\)$/,
    );
    expect(hooks[0]).toMatchObject({ kind: 'tunnel_down', tunnel: 'branch-a', severity: 'critical' });
    t.gateway.emitEvent({ topic: 'sa', type: 'ike.sa.up', tunnel: 'branch-a', tunnelState: 'up' });
    await until(() => syslogLines.length >= 2);
    expect(syslogLines[1]).toContain('TUNNEL_UP');
    t.gateway.emitEvent({ topic: 'sa', type: 'ike.sa.down', tunnel: 'branch-a', tunnelState: 'down' });
    await until(() => syslogLines.length >= 3);
    expect(syslogLines[2]).toContain('FLAPPING');
    expect(syslogLines[2]).toMatch(/^<132>1 /);
    // While flapping, single transitions are not alerted again.
    t.gateway.emitEvent({ topic: 'sa', type: 'ike.sa.up', tunnel: 'branch-a', tunnelState: 'up' });
    await new Promise((r) => setTimeout(r, 100));
    expect(syslogLines).toHaveLength(3);
    const events = await t.request('GET', '/api/v1/events?topic=alert', { token: t.tokens.viewer });
    expect(events.json.items.map((e: { type: string }) => e.type)).toEqual(['alert.flapping', 'alert.tunnel_up', 'alert.tunnel_down']);
  });

  it('sends a test alert', async () => {
    const n = syslogLines.length;
    const r = await t.request('POST', '/api/v1/alerts/test', { token: t.tokens.admin });
    expect(r.json).toMatchObject({ kind: 'test', severity: 'notice' });
    await until(() => syslogLines.length > n);
    expect(syslogLines.at(-1)).toContain('TEST');
  });
});
