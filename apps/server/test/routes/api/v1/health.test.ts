import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';

describe('/api/v1/health', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('reports engine, store and stream', async () => {
    const r = await t.request('GET', '/api/v1/health', { token: t.tokens.viewer });
    expect(r.json).toMatchObject({ status: 'ok', engine: { running: true }, store: { ok: true, configVersion: 1 }, stream: { clients: 0 }, lab: { enabled: false } });
  });
});
