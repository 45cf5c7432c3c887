import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/diagnose/test-psk', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig('the-right-key-1') });
  });
  afterAll(async () => t.close());

  it('tests a candidate key for operators, audited without the key', async () => {
    const r = await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'branch-a', psk: { kind: 'passphrase', value: 'the-right-key-1' } } });
    expect(r.json).toEqual({ tunnel: 'branch-a', result: 'match', detail: 'the key produces the AUTH the peer sent' });
    const audit = await t.request('GET', '/api/v1/audit?action=diagnose.test_psk', { token: t.tokens.admin });
    expect(audit.json.items[0].detail).toEqual({ result: 'match' });
    expect((await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'x', psk: { kind: 'passphrase', value: 'abc' } } })).status).toBe(404);
    const bad = await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'branch-a', psk: { kind: 'base64', value: 'abc' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0].path).toMatch(/^body\.psk\.kind/);
  });
});
