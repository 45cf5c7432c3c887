import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1 tunnels and SAs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
  });
  afterAll(async () => t.close());

  it('lists tunnels in order with their state', async () => {
    const r = await t.request('GET', '/api/v1/tunnels', { token: t.tokens.viewer });
    expect(r.json.items).toEqual([{ name: 'branch-a', state: 'down', remote: '127.0.1.2', ikeSaCount: 0, childSaCount: 0 }]);
  });

  it('initiates a tunnel, lists its IKE SA and CHILD_SA, rekeys and deletes them (audited)', async () => {
    const o = t.tokens.operator;
    const init = await t.request('POST', '/api/v1/tunnels/branch-a/initiate', { token: o });
    expect(init.status).toBe(202);
    expect(init.json).toEqual({ accepted: true, message: 'initiating branch-a' });
    const ike = await t.request('GET', '/api/v1/sas/ike', { token: t.tokens.viewer });
    expect(ike.json.items).toHaveLength(1);
    expect(ike.json.items[0]).toMatchObject({ id: '1', tunnel: 'branch-a', state: 'established', childSaIds: ['1.1'] });
    const child = await t.request('GET', '/api/v1/sas/child', { token: t.tokens.viewer });
    expect(child.json.items[0]).toMatchObject({ id: '1.1', ikeSaId: '1', localTs: ['192.168.10.0/24'] });

    expect((await t.request('POST', '/api/v1/sas/ike/1/rekey', { token: o })).status).toBe(202);
    expect((await t.request('POST', '/api/v1/sas/child/1.1/rekey', { token: o })).status).toBe(202);
    expect((await t.request('DELETE', '/api/v1/sas/child/1.1', { token: o })).status).toBe(202);
    expect((await t.request('DELETE', '/api/v1/sas/ike/1', { token: o })).status).toBe(202);
    expect((await t.request('GET', '/api/v1/sas/ike', { token: o })).json.items).toEqual([]);

    const audit = await t.request('GET', '/api/v1/audit', { token: t.tokens.admin });
    const actions = audit.json.items.map((a: { action: string }) => a.action);
    for (const a of ['tunnel.initiate', 'ike_sa.rekey', 'child_sa.rekey', 'child_sa.delete', 'ike_sa.delete']) expect(actions).toContain(a);
  });

  it('answers 404 for unknown tunnels and SAs', async () => {
    const o = t.tokens.operator;
    const r = await t.request('POST', '/api/v1/tunnels/nope/initiate', { token: o });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('not_found');
    expect((await t.request('DELETE', '/api/v1/sas/ike/77', { token: o })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/sas/child/77/rekey', { token: o })).status).toBe(404);
  });
});
