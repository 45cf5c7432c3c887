import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/snoop', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
    const base = Date.parse('2025-11-22T12:30:09Z');
    t.gateway.emitDatagram({ time: base, direction: 'in', remote: { address: '172.22.53.23', port: 500 }, tunnel: 'branch-a', exchange: 'IKE_SA_INIT', messageId: 0 });
    t.gateway.emitDatagram({
      time: base + 10,
      direction: 'out',
      remote: { address: '172.22.53.23', port: 500 },
      tunnel: 'branch-a',
      exchange: 'IKE_SA_INIT',
      messageId: 0,
      response: true,
      brief: 'IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(MULT_AUTH) ]',
    });
    t.gateway.emitDatagram({
      time: base + 20,
      direction: 'in',
      remote: { address: '127.0.1.9', port: 4500 },
      marker: true,
      exchange: 'IKE_AUTH',
      messageId: 1,
      errorCodes: ['AUTHENTICATION_FAILED'],
      brief: 'IKE_AUTH response 1 [ N(AUTH_FAILED) ]',
    });
  });
  afterAll(async () => t.close());

  it('reads and sets the snoop mode with a peer filter', async () => {
    expect((await t.request('GET', '/api/v1/snoop', { token: t.tokens.viewer })).json).toEqual({ mode: 'off', peer: null });
    const set = await t.request('PUT', '/api/v1/snoop', { token: t.tokens.operator, body: { mode: 'full', peer: '172.22.53.23' } });
    expect(set.json).toEqual({ mode: 'full', peer: '172.22.53.23' });
    expect(t.gateway.getSnoopMode()).toEqual({ mode: 'full', peer: '172.22.53.23' });
    const bad = await t.request('PUT', '/api/v1/snoop', { token: t.tokens.operator, body: { mode: 'loud' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.some((f: { path: string }) => f.path === 'body.mode')).toBe(true);
  });

  it('queries the history by peer, exchange, code, text, time, with paging', async () => {
    const all = await t.request('GET', '/api/v1/snoop/history', { token: t.tokens.viewer });
    expect(all.json.items.map((i: { exchange: string }) => i.exchange)).toEqual(['IKE_AUTH', 'IKE_SA_INIT', 'IKE_SA_INIT']);
    const byPeer = await t.request('GET', '/api/v1/snoop/history?peer=172.22.53.23', { token: t.tokens.viewer });
    expect(byPeer.json.items).toHaveLength(2);
    const byCode = await t.request('GET', '/api/v1/snoop/history?code=AUTHENTICATION_FAILED', { token: t.tokens.viewer });
    expect(byCode.json.items).toHaveLength(1);
    expect(byCode.json.items[0]).toMatchObject({ errorCodes: ['AUTHENTICATION_FAILED'], remote: { address: '127.0.1.9', port: 4500 } });
    const byText = await t.request('GET', '/api/v1/snoop/history?q=MULT_AUTH', { token: t.tokens.viewer });
    expect(byText.json.items.map((i: { text: string }) => i.text)).toEqual(['IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(MULT_AUTH) ]']);
    const byTunnel = await t.request('GET', '/api/v1/snoop/history?tunnel=branch-a&exchange=IKE_SA_INIT', { token: t.tokens.viewer });
    expect(byTunnel.json.items).toHaveLength(2);
    const byTime = await t.request('GET', `/api/v1/snoop/history?from=${Date.parse('2025-11-22T12:30:09Z') + 5}&to=${Date.parse('2025-11-22T12:30:09Z') + 15}`, { token: t.tokens.viewer });
    expect(byTime.json.items).toHaveLength(1);
    const page1 = await t.request('GET', '/api/v1/snoop/history?limit=2', { token: t.tokens.viewer });
    expect(page1.json.items).toHaveLength(2);
    expect(page1.json.nextBeforeId).toBe(page1.json.items[1].id);
    const page2 = await t.request('GET', `/api/v1/snoop/history?limit=2&beforeId=${page1.json.nextBeforeId}`, { token: t.tokens.viewer });
    expect(page2.json.items).toHaveLength(1);
    expect(page2.json.nextBeforeId).toBeNull();
    const full = await t.request('GET', '/api/v1/snoop/history?format=full&limit=1', { token: t.tokens.viewer });
    expect(full.json.items[0].text).toContain('full decode of 28 bytes');
  });

  it('shows one datagram decoded in full', async () => {
    const first = (await t.request('GET', '/api/v1/snoop/history?limit=1', { token: t.tokens.viewer })).json.items[0];
    const r = await t.request('GET', `/api/v1/snoop/datagrams/${first.id}`, { token: t.tokens.viewer });
    expect(r.json.text).toContain('full decode');
    expect((await t.request('GET', '/api/v1/snoop/datagrams/9999', { token: t.tokens.viewer })).status).toBe(404);
  });

  it('exports the filtered history as pcap from the stored bytes', async () => {
    const r = await t.request('GET', '/api/v1/snoop/history.pcap?peer=172.22.53.23', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
    expect(r.headers.get('x-datagram-count')).toBe('2');
    expect(r.bytes.readUInt32BE(0)).toBe(0xa1b23c4d);
    // Two records: 24-byte header + 2 * (16 + 20 IPv4 + 8 UDP + 28 payload).
    expect(r.bytes.length).toBe(24 + 2 * (16 + 20 + 8 + 28));
    // First frame: from the peer to us (direction in), UDP 500 -> 500.
    const ip = r.bytes.subarray(24 + 16);
    expect([...ip.subarray(12, 16)]).toEqual([172, 22, 53, 23]);
    expect([...ip.subarray(16, 20)]).toEqual([127, 0, 0, 1]);
    const tshark = (() => {
      try {
        execFileSync('tshark', ['-v'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    if (tshark) {
      const file = `${t.dataDir}/snoop.pcap`;
      (await import('node:fs')).writeFileSync(file, r.bytes);
      const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'ip.src', '-e', 'udp.dstport'], { encoding: 'utf8' });
      expect(out.trim().split('\n')).toEqual(['172.22.53.23\t500', '127.0.0.1\t500']);
    }
  });
});
