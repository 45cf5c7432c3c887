import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/events', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
    t.gateway.emitEvent({ type: 'log.event', code: 'incorrect_psk', tunnel: 'branch-a', peer: '127.0.1.2', text: 'Incorrect pre-shared key' });
    t.gateway.emitEvent({ type: 'log.event', code: 'no_proposal_chosen', tunnel: 'branch-b', text: 'no proposal chosen' });
    t.gateway.emitEvent({ type: 'log.event', code: 'incorrect_psk', tunnel: 'branch-a', text: 'Incorrect pre-shared key again' });
  });
  afterAll(async () => t.close());

  it('filters log events by code, tunnel, text, with paging', async () => {
    const byCode = await t.request('GET', '/api/v1/events?code=incorrect_psk', { token: t.tokens.viewer });
    expect(byCode.json.items).toHaveLength(2);
    expect(byCode.json.items[0]).toMatchObject({ topic: 'log', type: 'log.event', code: 'incorrect_psk', tunnel: 'branch-a', text: 'Incorrect pre-shared key again' });
    const two = await t.request('GET', '/api/v1/events?code=incorrect_psk,no_proposal_chosen&topic=log', { token: t.tokens.viewer });
    expect(two.json.items).toHaveLength(3);
    const q = await t.request('GET', '/api/v1/events?q=again', { token: t.tokens.viewer });
    expect(q.json.items).toHaveLength(1);
    const page = await t.request('GET', '/api/v1/events?topic=log&limit=1', { token: t.tokens.viewer });
    const next = await t.request('GET', `/api/v1/events?topic=log&limit=5&beforeId=${page.json.nextBeforeId}`, { token: t.tokens.viewer });
    expect(next.json.items).toHaveLength(2);
    expect((await t.request('GET', '/api/v1/events?topic=nonsense', { token: t.tokens.viewer })).status).toBe(400);
  });

  it('counts events by code', async () => {
    const r = await t.request('GET', '/api/v1/events/codes', { token: t.tokens.viewer });
    expect(r.json.items).toEqual([
      { code: 'incorrect_psk', count: 2 },
      { code: 'no_proposal_chosen', count: 1 },
    ]);
  });
});
