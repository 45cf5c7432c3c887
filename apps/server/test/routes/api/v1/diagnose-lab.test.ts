/**
 * Diagnosis on real negotiations: the server runs the real engine with the
 * demo lab's config, the lab's "roaming tunnel above" peer fails against it
 * (the roaming tunnel catches the branch: Incorrect pre-shared key), the
 * finding names the move-tunnel fix with evidence that exists, the preview
 * saves nothing, the apply makes a config version and the tunnel comes up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamClientHandle } from '../../../support/harness.ts';
import { eventually, startLabServer, type LabServer } from './lab-server.ts';

const TUNNEL = 'branch-kiruna';
const ROAMING = 'roadwarriors';

interface FindingJson {
  id: string;
  code: string;
  tunnel: string | null;
  resolvedSince: boolean;
  wizard: string;
  fixes: Array<{ id: string }>;
  evidence: { events: Array<{ eventId: number; datagramIds: number[] }>; snoopLines: Array<{ eventId: number }>; datagramIds: number[]; configPaths: string[] };
}

interface EvidenceEventJson {
  id: number;
  type: string;
  datagrams: Array<{ id: number; direction: 'in' | 'out'; exchange: string | null; messageId: number | null; text: string }>;
  unlinkedDatagrams: number;
}

describe('diagnosis over the lab (real engine, loopback UDP)', () => {
  let s: LabServer;
  let stream: StreamClientHandle;
  let finding: FindingJson;

  async function storedEvents(): Promise<Map<number, { type: string; event: Record<string, unknown> }>> {
    const items = (await s.t.request('GET', '/api/v1/events?limit=1000', { token: s.t.tokens.viewer })).json.items as Array<{ id: number; type: string; event: Record<string, unknown> }>;
    return new Map(items.map((e) => [e.id, e]));
  }

  /**
   * Each linked datagram is the one the engine event cites: a snoop line's
   * datagrams have its direction, exchange and peer; nothing cited is missing.
   */
  async function expectLinksMatchCitingEvents(evidence: readonly EvidenceEventJson[]): Promise<void> {
    const stored = await storedEvents();
    for (const e of evidence) {
      const cited = stored.get(e.id)!;
      const citedIds = ((cited.event['datagramIds'] ?? (cited.event['evidence'] as { datagramIds?: number[] } | undefined)?.datagramIds) as number[] | undefined) ?? [];
      expect(e.unlinkedDatagrams, `event ${e.id} (${e.type})`).toBe(0);
      expect(e.datagrams.length, `event ${e.id} (${e.type})`).toBe(new Set(citedIds).size);
      if (cited.type !== 'snoop.message') continue;
      const exchange = String(cited.event['summary']).split(' ')[0];
      for (const d of e.datagrams) {
        expect(d.direction, `datagram ${d.id} of snoop event ${e.id}`).toBe(cited.event['direction']);
        expect(d.exchange, `datagram ${d.id} of snoop event ${e.id}`).toBe(exchange);
      }
    }
  }

  beforeAll(async () => {
    s = await startLabServer('127.0.6.1', 21_000);
    stream = await s.t.connect({ token: s.t.tokens.viewer });
    stream.send({ type: 'subscribe', id: 'diagnose', topic: 'diagnose' });
    stream.send({ type: 'subscribe', id: 'lab', topic: 'lab' });
    await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'lab');
  });
  afterAll(async () => {
    await stream?.close();
    await s?.close();
  });

  it('finds the wrong tunnel selected for the failing branch, with evidence ids that exist', async () => {
    const { t } = s;
    const started = await t.request('POST', '/api/v1/lab/scenarios/roaming-tunnel-above/start', { token: t.tokens.operator });
    expect(started.status).toBe(200);
    await stream.waitFor((f) => f.type === 'event' && f.data.type === 'lab.scenario.started' && f.data.tunnel === TUNNEL);

    finding = await eventually('the wrong_tunnel_selected finding', async () => {
      const r = await t.request('GET', `/api/v1/diagnose/findings?tunnel=${TUNNEL}`, { token: t.tokens.viewer });
      return (r.json.items as FindingJson[]).find((f) => f.code === 'wrong_tunnel_selected');
    });
    expect(finding).toMatchObject({ tunnel: TUNNEL, wizard: 'error-incorrect-psk', fixes: [{ id: 'move-tunnel' }] });
    expect(finding.evidence.configPaths.every((p) => p.startsWith('tunnels['))).toBe(true);

    const events = (await t.request('GET', '/api/v1/events?limit=1000', { token: t.tokens.viewer })).json.items as Array<{ id: number; type: string }>;
    const stored = new Set(events.map((e) => e.id));
    const cited = [...finding.evidence.events, ...finding.evidence.snoopLines].map((e) => e.eventId);
    expect(cited.length).toBeGreaterThan(0);
    for (const id of cited) expect(stored.has(id), `event ${id}`).toBe(true);
    expect(finding.evidence.events.some((e) => events.find((x) => x.id === e.eventId)?.type === 'log.event')).toBe(true);

    // Datagram ids are the server's: each one is a stored datagram from or to the branch's peer.
    expect(finding.evidence.datagramIds.length).toBeGreaterThan(0);
    const peer = s.lab.scenarios.find((x) => x.id === 'roaming-tunnel-above')!.peerAddress;
    for (const id of finding.evidence.datagramIds) {
      const d = await t.request('GET', `/api/v1/snoop/datagrams/${id}?format=brief`, { token: t.tokens.viewer });
      expect(d.status, `datagram ${id}`).toBe(200);
      expect(d.json.remote.address).toBe(peer);
    }

    const list = (await t.request('GET', '/api/v1/diagnose/findings', { token: t.tokens.viewer })).json;
    expect(list.configVersion).toBe(1);
    expect(list.window.events).toBeGreaterThan(0);
    expect(list.window.lastEventId).toBeGreaterThanOrEqual(Math.max(...cited));
  });

  it('expands the evidence of one finding: stored event text and links to the stored datagrams', async () => {
    const { t } = s;
    const r = await t.request('GET', `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}`, { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.json.finding.id).toBe(finding.id);
    const events = r.json.evidence.events as Array<{ type: string; text: string | null; datagrams: Array<{ id: number; href: string; text: string }> }>;
    expect(events.some((e) => e.type === 'snoop.message' && /^SNOOP: IKEv2: /.test(e.text ?? ''))).toBe(true);
    const linked = events.flatMap((e) => e.datagrams);
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.some((d) => d.text.includes('IKE_AUTH'))).toBe(true);
    await expectLinksMatchCitingEvents(r.json.evidence.events as EvidenceEventJson[]);
    const followed = await t.request('GET', linked[0]!.href, { token: t.tokens.viewer });
    expect(followed.status).toBe(200);
    expect(followed.json.id).toBe(linked[0]!.id);
    expect((await t.request('GET', '/api/v1/diagnose/findings/nope:x:ike:', { token: t.tokens.viewer })).status).toBe(404);
  });

  it('lets a viewer read but not preview or apply a fix', async () => {
    const { t } = s;
    const base = `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/move-tunnel`;
    expect((await t.request('POST', `${base}/preview`, { token: t.tokens.viewer })).status).toBe(403);
    expect((await t.request('POST', `${base}/apply`, { token: t.tokens.viewer, body: { baseVersion: 1 } })).status).toBe(403);
  });

  it('previews the fix as a diff with secrets hidden, and saves nothing', async () => {
    const { t } = s;
    const before = (await t.request('GET', '/api/v1/config/versions', { token: t.tokens.viewer })).json;
    const r = await t.request('POST', `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/move-tunnel/preview`, { token: t.tokens.operator });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ findingId: finding.id, fixId: 'move-tunnel', baseVersion: before.current, valid: true, errors: [] });
    expect(r.json.diff.text).toMatch(/^--- config \(current\)\n\+\+\+ config \(with fix\)\n@@ /);
    expect(r.json.diff.text).toContain(`+      "name": "${TUNNEL}"`);
    for (const secret of s.secrets) expect(r.json.diff.text).not.toContain(secret);
    expect(r.json.diff.changes[0]).toMatchObject({ path: 'tunnels (order)' });
    const order = r.json.diff.changes[0].after as string[];
    expect(order.indexOf(TUNNEL)).toBeLessThan(order.indexOf(ROAMING));
    const after = (await t.request('GET', '/api/v1/config/versions', { token: t.tokens.viewer })).json;
    expect(after.total).toBe(before.total);
    expect(after.current).toBe(before.current);
    const audit = (await t.request('GET', '/api/v1/audit?action=diagnose.fix.preview', { token: t.tokens.admin })).json.items;
    expect(audit[0]).toMatchObject({ target: `finding:${finding.id}`, detail: { fixId: 'move-tunnel', baseVersion: before.current, valid: true } });

    expect((await t.request('POST', `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/nope/preview`, { token: t.tokens.operator })).status).toBe(404);
    const stale = await t.request('POST', `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/move-tunnel/preview?baseVersion=99`, { token: t.tokens.operator });
    expect(stale.status).toBe(409);
  });

  it('refuses an apply without baseVersion (400) or on a config that changed since the preview (409)', async () => {
    const { t } = s;
    const url = `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/move-tunnel/apply`;
    const missing = await t.request('POST', url, { token: t.tokens.operator, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.error.fields[0].path).toBe('body.baseVersion');
    const stale = await t.request('POST', url, { token: t.tokens.operator, body: { baseVersion: 99 } });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/changed since version 99/) });
    expect((await t.request('GET', '/api/v1/config/versions', { token: t.tokens.viewer })).json.total).toBe(1);
  });

  it('applies the fix as a new config version, audited, and the tunnel comes up', async () => {
    const { t } = s;
    const r = await t.request('POST', `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/move-tunnel/apply`, {
      token: t.tokens.operator,
      body: { baseVersion: 1 },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ findingId: finding.id, fixId: 'move-tunnel', version: { id: 2, source: 'api' }, initiated: { tunnel: TUNNEL, accepted: true } });
    expect(r.json.version.comment).toMatch(new RegExp(`^fix wrong_tunnel_selected from finding ${finding.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const config = (await t.request('GET', '/api/v1/config', { token: t.tokens.viewer })).json;
    const names = (config.config.tunnels as Array<{ name: string }>).map((x) => x.name);
    expect(names.indexOf(TUNNEL)).toBeLessThan(names.indexOf(ROAMING));
    expect(config.version.id).toBe(2);

    await eventually('the branch tunnel up', async () => {
      const tunnels = (await t.request('GET', '/api/v1/tunnels', { token: t.tokens.viewer })).json.items as Array<{ name: string; state: string }>;
      return tunnels.find((x) => x.name === TUNNEL && x.state === 'up');
    });

    const audit = (await t.request('GET', '/api/v1/audit?limit=50', { token: t.tokens.admin })).json.items as Array<{ action: string; detail: Record<string, unknown> | null }>;
    expect(audit.find((a) => a.action === 'diagnose.fix.apply')?.detail).toMatchObject({ code: 'wrong_tunnel_selected', fixId: 'move-tunnel', version: 2 });
    expect(audit.some((a) => a.action === 'config.replace')).toBe(true);
    expect(audit.some((a) => a.action === 'tunnel.initiate')).toBe(true);
    const applied = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'diagnose.fix.applied');
    expect(applied.data).toMatchObject({ topic: 'diagnose', tunnel: TUNNEL, event: { version: 2, fixId: 'move-tunnel' } });

    // Re-checked on the next read: the problem is gone or marked as resolved by the later success.
    const after = (await t.request('GET', `/api/v1/diagnose/findings?tunnel=${TUNNEL}`, { token: t.tokens.viewer })).json;
    expect(after.configVersion).toBe(2);
    const again = (after.items as FindingJson[]).find((f) => f.id === finding.id);
    expect(again === undefined || again.resolvedSince).toBe(true);
    // The old preview's base is stale now.
    expect((await t.request('POST', `/api/v1/diagnose/findings/${encodeURIComponent(finding.id)}/fixes/move-tunnel/apply`, { token: t.tokens.operator, body: { baseVersion: 1 } })).status).toBe(409);
  });

  it('exports swanctl.conf for the peer: the key only for an admin who asks, audited', async () => {
    const { t } = s;
    const secret = 'demo-kiruna-secret';
    const plain = await t.request('GET', `/api/v1/diagnose/swanctl/${TUNNEL}`, { token: t.tokens.viewer });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(plain.text).toContain('connections {');
    expect(plain.text).toMatch(/secret = "<pre-shared key of tunnelscope tunnel branch-kiruna \(Passphrase\)>"/);
    expect(plain.text).not.toContain(secret);
    expect((await t.request('GET', `/api/v1/diagnose/swanctl/${TUNNEL}?includeSecret=true`, { token: t.tokens.operator })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/diagnose/swanctl/nope', { token: t.tokens.viewer })).status).toBe(404);
    const roaming = await t.request('GET', `/api/v1/diagnose/swanctl/${ROAMING}?peerAddress=127.0.6.99`, { token: t.tokens.viewer });
    expect(roaming.text).toContain('local_addrs = 127.0.6.99');

    // Fetched outside the harness: this one response carries the key on purpose (kept out of the secrets grep).
    const res = await fetch(`${t.url}api/v1/diagnose/swanctl/${TUNNEL}?includeSecret=true`, { headers: { authorization: `Bearer ${t.tokens.admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain(`secret = ${secret}`);
    const audit = (await t.request('GET', '/api/v1/audit?action=diagnose.swanctl.export', { token: t.tokens.admin })).json.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: `tunnel:${TUNNEL}`, detail: { includeSecret: true } });
  });

  it('updates the authentication findings with a PSK test', async () => {
    const { t } = s;
    // A wrong-PSK peer: the responder keeps what its AUTH was computed over, so candidates can be tested.
    expect((await t.request('POST', '/api/v1/lab/scenarios/wrong-psk/start', { token: t.tokens.operator })).status).toBe(200);
    const tunnel = s.lab.scenarios.find((x) => x.id === 'wrong-psk')!.localTunnel;
    const incorrect = await eventually('the incorrect_psk finding', async () => {
      const r = await t.request('GET', `/api/v1/diagnose/findings?tunnel=${tunnel}`, { token: t.tokens.viewer });
      return (r.json.items as FindingJson[]).find((f) => f.code === 'incorrect_psk');
    });
    // The incorrect_psk evidence links exactly what the engine cited: the failing SA's IKE_SA_INIT and the peer's IKE_AUTH request.
    const detail = (await t.request('GET', `/api/v1/diagnose/findings/${encodeURIComponent(incorrect.id)}`, { token: t.tokens.viewer })).json;
    const evidence = detail.evidence.events as EvidenceEventJson[];
    await expectLinksMatchCitingEvents(evidence);
    const mismatch = evidence.filter((e) => e.type === 'log.event' && e.datagrams.length > 0);
    expect(mismatch.length).toBeGreaterThan(0);
    const cited = await storedEvents();
    for (const e of mismatch) {
      const messageIds = (cited.get(e.id)!.event['messageIds'] as number[] | undefined) ?? [];
      expect(e.datagrams.every((d) => d.exchange === 'IKE_SA_INIT' || d.exchange === 'IKE_AUTH'), JSON.stringify(e.datagrams)).toBe(true);
      const authRequests = e.datagrams.filter((d) => d.exchange === 'IKE_AUTH' && d.direction === 'in');
      expect(authRequests.length, JSON.stringify(e.datagrams)).toBeGreaterThan(0);
      for (const d of authRequests) expect(messageIds).toContain(d.messageId);
    }
    const r = await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel, psk: { kind: 'passphrase', value: 'demo-0rebro-secret' } } });
    expect(r.status).toBe(200);
    expect(r.json.result).toBe('match');
    const updated = (r.json.findings as Array<FindingJson & { confidence: { score: number }; facts: Record<string, unknown> }>).find((f) => f.id === incorrect.id);
    expect(updated).toMatchObject({ confidence: { score: 0.99 }, facts: { operatorTests: { match: 1 }, verifiedCandidateType: 'passphrase' } });
    // And on the next read of the findings.
    const again = (await t.request('GET', `/api/v1/diagnose/findings/${encodeURIComponent(incorrect.id)}`, { token: t.tokens.viewer })).json;
    expect(again.finding.facts.operatorTests).toEqual({ match: 1 });
    expect((await t.request('POST', '/api/v1/lab/scenarios/wrong-psk/stop', { token: t.tokens.operator })).status).toBe(200);
  });

  it('never shows a pre-shared key of the config or the lab peers', () => {
    const evidence = s.t.seen.join('\n') + '\n' + s.t.logs.join('');
    expect(s.secrets.length).toBeGreaterThan(5);
    for (const secret of s.secrets) expect(evidence.includes(secret), `leaked ${secret}`).toBe(false);
  });
});
