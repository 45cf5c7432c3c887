import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/stats', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
  });
  afterAll(async () => t.close());

  it('returns the ike -stat counters and table now', async () => {
    await t.request('POST', '/api/v1/tunnels/branch-a/initiate', { token: t.tokens.operator });
    const r = await t.request('GET', '/api/v1/stats', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.json.counters).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecSasActive: 1 });
    expect(Object.keys(r.json.counters)).toHaveLength(14);
    expect(r.json.table).toContain('IKE SAs active');
    expect(r.json.table).toContain('IPsec SA rekeys failed');
  });

  it('keeps counter history', async () => {
    t.server.services.store.events.insertStatsSample(Date.now() - 5000, { ...t.gateway.stats(), ikeSasActive: 0 });
    t.server.services.store.events.insertStatsSample(Date.now() + 10, t.gateway.stats());
    const r = await t.request('GET', `/api/v1/stats/history?from=${Date.now() - 60_000}&to=${Date.now() + 1000}`, { token: t.tokens.viewer });
    expect(r.json.intervalMs).toBe(1000);
    expect(r.json.items.length).toBeGreaterThanOrEqual(2);
    const times = r.json.items.map((i: { time: number }) => i.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(r.json.items.at(-1).counters.ikeSasActive).toBe(1);
  });

  it('rejects a bad query naming the field', async () => {
    const r = await t.request('GET', '/api/v1/stats/history?limit=0', { token: t.tokens.viewer });
    expect(r.status).toBe(400);
    expect(r.json.error.fields[0].path).toBe('querystring.limit');
  });
});
