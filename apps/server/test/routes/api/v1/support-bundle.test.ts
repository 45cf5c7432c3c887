/**
 * Support bundle over real negotiations: the server runs the real engine
 * with the demo lab's config, the lab's wrong-PSK peer fails against it,
 * and the operator's bundle for that tunnel holds the finding, its events,
 * the snoop lines and a pcap of the same datagrams, with no secret in any
 * file. Viewers are refused, bad ranges name the field, the download is
 * audited.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCapture } from '@tunnelscope/ike';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORT_BUNDLE_FILES, SUPPORT_BUNDLE_MAX_RANGE_MS } from '../../../../src/contract.ts';
import { writeTar } from '../../../../src/services/support-bundle-service.ts';
import { eventually, startLabServer, type LabServer } from './lab-server.ts';

interface TarFile {
  name: string;
  data: Buffer;
}

/** Reads a ustar archive, checking each header's magic and checksum. */
function readTar(bytes: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (at: number, len: number) => header.subarray(at, at + len).toString('ascii').replace(/\0.*$/s, '');
    expect(field(257, 6)).toBe('ustar');
    const stored = parseInt(field(148, 8).trim(), 8);
    const copy = Buffer.from(header);
    copy.fill(0x20, 148, 156);
    expect(copy.reduce((n, b) => n + b, 0), 'checksum').toBe(stored);
    const size = parseInt(field(124, 12), 8);
    files.push({ name: field(0, 100), data: bytes.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  expect(bytes.subarray(offset).every((b) => b === 0)).toBe(true);
  expect(bytes.length - offset).toBeGreaterThanOrEqual(1024);
  return files;
}

interface FindingJson {
  id: string;
  code: string;
  tunnel: string | null;
  evidence: { events: Array<{ eventId: number }>; snoopLines: Array<{ eventId: number }>; datagramIds: number[] };
}

describe('support bundle (real engine, loopback UDP)', () => {
  let s: LabServer;
  let tunnel: string;
  let peer: string;
  let from: number;

  beforeAll(async () => {
    s = await startLabServer('127.0.9.1', 26_000);
    const scenario = s.lab.scenarios.find((x) => x.id === 'wrong-psk')!;
    tunnel = scenario.localTunnel;
    peer = scenario.peerAddress;
    from = Date.now() - 1_000;
    const { t } = s;
    expect((await t.request('POST', '/api/v1/lab/scenarios/wrong-psk/start', { token: t.tokens.operator })).status).toBe(200);
    await eventually('the incorrect_psk finding', async () => {
      const r = await t.request('GET', `/api/v1/diagnose/findings?tunnel=${tunnel}`, { token: t.tokens.viewer });
      return (r.json.items as FindingJson[]).find((f) => f.code === 'incorrect_psk');
    });
    expect((await t.request('POST', '/api/v1/lab/scenarios/wrong-psk/stop', { token: t.tokens.operator })).status).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("bundles the failing tunnel's config, finding, events, snoop lines, pcap and stats, and audits it", async () => {
    const { t } = s;
    const to = Date.now() + 1_000;
    const r = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}&from=${from}&to=${to}`, { token: t.tokens.operator });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-tar');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="tunnelscope-${tunnel}-${stamp(from)}-${stamp(to)}.tar"`);

    const files = readTar(r.bytes);
    expect(files.map((f) => f.name)).toEqual(SUPPORT_BUNDLE_FILES.map((f) => f.name));
    const file = (name: string) => files.find((f) => f.name === name)!.data;
    const text = (name: string) => file(name).toString('utf8');

    // No pre-shared key of the config or the lab peers in any file (binary pcap included).
    expect(s.secrets.length).toBeGreaterThan(5);
    for (const f of files) {
      for (const secret of s.secrets) {
        expect(f.data.toString('utf8').includes(secret), `${secret} in ${f.name}`).toBe(false);
        expect(f.data.includes(Buffer.from(secret, 'utf8')), `${secret} in ${f.name} (bytes)`).toBe(false);
      }
    }

    const readme = text('README.txt');
    expect(readme).toContain(`Tunnel:          ${tunnel}`);
    expect(readme).toContain(`Peer:            ${peer}`);
    expect(readme).toContain('Made by:         token:operator-token (operator, from 127.0.0.1)');
    expect(readme).toContain('Server version:  tunnelscope 0.1.0');
    expect(readme).toContain(`${new Date(from).toISOString()} .. ${new Date(to).toISOString()}`);
    for (const f of SUPPORT_BUNDLE_FILES) expect(readme).toContain(f.name);

    const config = JSON.parse(text('config.json')) as { version: { id: number }; config: { tunnels: Array<{ name: string }> } };
    expect(config.version.id).toBe(1);
    expect(config.config.tunnels.map((x) => x.name)).toContain(tunnel);
    // Exactly what GET /config shows (the engine's redaction).
    expect(config.config).toEqual((await t.request('GET', '/api/v1/config', { token: t.tokens.viewer })).json.config);

    const events = text('events.jsonl')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; time: number; type: string; code: string | null; tunnel: string | null; peer: string | null });
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.time).toBeGreaterThanOrEqual(from);
      expect(e.time).toBeLessThanOrEqual(to);
      expect(e.tunnel === tunnel || e.peer === peer, JSON.stringify(e)).toBe(true);
    }
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    expect(events.some((e) => e.type === 'log.event' && e.code === 'incorrect_psk' && e.tunnel === tunnel)).toBe(true);

    const findings = JSON.parse(text('findings.json')) as { items: FindingJson[]; configVersion: number };
    expect(findings.configVersion).toBe(1);
    const finding = findings.items.find((f) => f.code === 'incorrect_psk');
    expect(finding).toMatchObject({ tunnel });
    const eventIds = new Set(events.map((e) => e.id));
    const cited = [...finding!.evidence.events, ...finding!.evidence.snoopLines].map((e) => e.eventId);
    expect(cited.length).toBeGreaterThan(0);
    for (const id of cited) expect(eventIds.has(id), `cited event ${id} in events.jsonl`).toBe(true);

    // The same datagrams the snoop history holds for the tunnel or its peer in the range.
    const history = async (filter: string) =>
      (await t.request('GET', `/api/v1/snoop/history?${filter}&from=${from}&to=${to}&limit=1000`, { token: t.tokens.viewer })).json.items as Array<{ id: number; text: string }>;
    const expected = new Map([...(await history(`tunnel=${tunnel}`)), ...(await history(`peer=${peer}`))].map((d) => [d.id, d.text]));
    expect(expected.size).toBeGreaterThan(1);
    const snoopLines = text('snoop.txt').trimEnd().split('\n').filter((line) => !line.startsWith(' '));
    expect(snoopLines).toHaveLength(expected.size);
    const snoopIds = snoopLines.map((line) => Number(/^\S+ #(\d+) /.exec(line)![1]));
    expect(snoopIds).toEqual([...expected.keys()].sort((a, b) => a - b));
    expect(snoopLines[0]).toContain(expected.get(snoopIds[0]!)!.split('\n')[0]!);
    expect(text('snoop.txt')).toContain('IKE_AUTH');
    for (const id of finding!.evidence.datagramIds) expect(snoopIds).toContain(id);

    const capture = readCapture(new Uint8Array(file('capture.pcap')));
    expect(capture).toHaveLength(expected.size);
    expect(capture.every((d) => d.src.address === peer || d.dst.address === peer)).toBe(true);

    const stats = text('stats.txt');
    const table = (await t.request('GET', '/api/v1/stats', { token: t.tokens.viewer })).json.table as string;
    expect(stats.split('\n')[0]).toBe(table.split('\n')[0]);

    const audit = (await t.request('GET', '/api/v1/audit?action=support.bundle.export', { token: t.tokens.admin })).json.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'token:operator-token',
      target: `tunnel:${tunnel}`,
      detail: { from, to, peers: [peer], configVersion: 1, events: events.length, datagrams: expected.size, truncated: false },
    });

    // A real tar reads it too.
    const tarFile = path.join(t.dataDir, 'bundle.tar');
    writeFileSync(tarFile, r.bytes);
    expect(execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n')).toEqual(SUPPORT_BUNDLE_FILES.map((f) => f.name));
  });

  it('refuses a viewer (403), bad ranges (400 naming the field) and an unknown tunnel (404)', async () => {
    const { t } = s;
    const now = Date.now();
    const viewer = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}`, { token: t.tokens.viewer });
    expect(viewer.status).toBe(403);
    expect(viewer.json.error.code).toBe('forbidden');

    const backwards = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}&from=${now}&to=${now - 1}`, { token: t.tokens.operator });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error).toMatchObject({ code: 'bad_request', fields: [{ path: 'querystring.from' }] });

    const tooLong = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}&from=${now - SUPPORT_BUNDLE_MAX_RANGE_MS - 1}&to=${now}`, { token: t.tokens.operator });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.fields[0].path).toBe('querystring.from');

    const missing = await t.request('GET', '/api/v1/support-bundle', { token: t.tokens.operator });
    expect(missing.status).toBe(400);
    expect(missing.json.error.fields[0].path).toBe('querystring.tunnel');

    const notNumber = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}&from=yesterday`, { token: t.tokens.operator });
    expect(notNumber.status).toBe(400);
    expect(notNumber.json.error.fields[0].path).toBe('querystring.from');

    const unknown = await t.request('GET', '/api/v1/support-bundle?tunnel=nope', { token: t.tokens.operator });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');

    // Exactly the maximum range is fine; the default range is the last hour.
    const max = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}&from=${now - SUPPORT_BUNDLE_MAX_RANGE_MS}&to=${now}`, { token: t.tokens.operator });
    expect(max.status).toBe(200);
    const byDefault = await t.request('GET', `/api/v1/support-bundle?tunnel=${tunnel}`, { token: t.tokens.admin });
    expect(byDefault.status).toBe(200);
    expect(readTar(byDefault.bytes).find((f) => f.name === 'README.txt')!.data.toString('utf8')).toContain('Made by:         token:admin-token (admin');
    // Only the successful downloads are audited.
    expect((await t.request('GET', '/api/v1/audit?action=support.bundle.export', { token: t.tokens.admin })).json.items).toHaveLength(3);
  });

  it('writes a ustar archive that pads each file to 512 bytes and ends with two zero blocks', () => {
    const tar = Buffer.from(writeTar([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'empty', data: new Uint8Array(0) }], 1_700_000_000_000));
    expect(tar.length).toBe(512 + 512 + 512 + 1024);
    expect(readTar(tar).map((f) => [f.name, f.data.toString()])).toEqual([
      ['a.txt', 'hello'],
      ['empty', ''],
    ]);
    expect(parseInt(tar.subarray(136, 147).toString('ascii'), 8)).toBe(1_700_000_000);
    expect(() => writeTar([{ name: 'x'.repeat(101), data: new Uint8Array(0) }], 0)).toThrow(/1\.\.100 bytes/);
  });

  it('never shows a pre-shared key of the config or the lab peers', () => {
    const evidence = s.t.seen.join('\n') + '\n' + s.t.logs.join('');
    for (const secret of s.secrets) expect(evidence.includes(secret), `leaked ${secret}`).toBe(false);
  });
});
