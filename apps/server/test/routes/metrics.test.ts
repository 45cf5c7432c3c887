import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { sampleConfig } from '../support/fake-gateway.ts';

describe('/metrics, /docs and the web root', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
  });
  afterAll(async () => t.close());

  it('exposes ike -stat, tunnel state and event counts in Prometheus format', async () => {
    await t.request('POST', '/api/v1/tunnels/branch-a/initiate', { token: t.tokens.operator });
    t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'incorrect_psk' });
    t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'incorrect_psk' });
    const r = await t.request('GET', '/metrics', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.text).toContain('tunnelscope_ike_stat{statistic="IKE SAs active"} 1');
    expect(r.text).toContain('tunnelscope_ike_stat{statistic="IPsec SA negotiations done"} 1');
    expect(r.text).toContain('tunnelscope_tunnel_up{tunnel="branch-a"} 1');
    expect(r.text).toContain('tunnelscope_tunnel_state{tunnel="branch-a",state="up"} 1');
    expect(r.text).toContain('tunnelscope_events_total{topic="log",code="incorrect_psk"} 2');
    expect(r.text).toContain('tunnelscope_process_resident_memory_bytes');
  });

  it('serves the OpenAPI document and Swagger UI to authenticated users', async () => {
    const spec = await t.request('GET', '/docs/json', { token: t.tokens.viewer });
    expect(spec.status).toBe(200);
    expect(spec.json.openapi).toBe('3.1.0');
    const paths = Object.keys(spec.json.paths);
    for (const p of ['/api/v1/config', '/api/v1/sas/ike', '/api/v1/snoop/history', '/api/v1/cli', '/api/v1/events']) expect(paths).toContain(p);
    expect(spec.json.paths['/api/v1/config'].put.requestBody).toBeDefined();
    expect((await t.request('GET', '/docs/', { token: t.tokens.viewer })).status).toBe(200);
  });

  it('says plainly that the dashboard is not built', async () => {
    const r = await t.request('GET', '/');
    expect(r.status).toBe(200);
    expect(r.text).toContain('The dashboard is not built');
  });
});
