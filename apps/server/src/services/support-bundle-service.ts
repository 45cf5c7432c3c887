/**
 * Support bundle: one tunnel's evidence over a time range, as an
 * uncompressed ustar file for a ticket (files: SUPPORT_BUNDLE_FILES).
 *
 *   build(actor, {tunnel, from, to})
 *     --> range checked (from <= to, at most 7 days)  --(bad)--> 400 naming the field
 *     --> tunnel in the running engine                --(no)---> 404
 *     --> recorder flushed --> redacted config + version, current findings (tunnel),
 *         events and datagrams of the tunnel or its peer(s) in the range, `ike -stat` now,
 *         flow table (`flow -show -verbose`), data-plane counters, certificate cache (no keys)
 *     --> every text file through the secret guard --> tar --> audit `support.bundle.export`
 *
 * The peers are the tunnel's configured remote endpoint (unless it is a
 * roaming tunnel) and the peers its current findings name: a roaming or
 * mis-selected tunnel's failures are stored under the peer's address and
 * sometimes another tunnel's name. Session keys are never read here.
 */
import {
  SUPPORT_BUNDLE_DEFAULT_RANGE_MS,
  SUPPORT_BUNDLE_FILES,
  SUPPORT_BUNDLE_MAX_RANGE_MS,
  type FieldError,
  type FindingList,
  type FlowView,
  type StoredEvent,
  type SupportBundleFileName,
  type SupportBundleQuery,
  type TunnelStatusView,
} from '../contract.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import { writePcap } from '../ike-tools.ts';
import { storedDatagramToUdp } from './snoop-history.ts';
import { GatewayActionError, type GatewayPort } from '../plugins/app/gateway-port.ts';
import { formatFlowPageText } from './data-plane-service.ts';
import type { DatagramRow } from '../store/event-repo.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { ConfigService } from './config-service.ts';
import type { DiagnosisService } from './diagnosis-service.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { SecretGuard } from './secret-guard.ts';
import { PCAP_MAX_DATAGRAMS } from './snoop-history.ts';

/** At most this many events go into events.jsonl (the newest of the range). */
export const SUPPORT_BUNDLE_MAX_EVENTS = 100_000;
/** At most this many datagrams go into snoop.txt and capture.pcap (the newest of the range). */
export const SUPPORT_BUNDLE_MAX_DATAGRAMS = PCAP_MAX_DATAGRAMS;
/** At most this many flows go into flows.txt. */
export const SUPPORT_BUNDLE_MAX_FLOWS = 10_000;

export interface SupportBundleDeps {
  gateway: GatewayPort;
  store: Store;
  recorder: EventRecorder;
  configService: ConfigService;
  diagnosis: DiagnosisService;
  auditLog: AuditLog;
  guard: SecretGuard;
  serverVersion: string;
}

export interface SupportBundle {
  filename: string;
  bytes: Uint8Array;
  counts: { events: number; datagrams: number; findings: number };
}

interface BundleRange {
  from: number;
  to: number;
}

interface Limited<T> {
  items: T[];
  truncated: boolean;
}

export class SupportBundleService {
  constructor(
    private readonly deps: SupportBundleDeps,
    private readonly now: () => number = Date.now,
  ) {}

  build(actor: Actor, query: SupportBundleQuery): SupportBundle {
    const madeAt = this.now();
    const range = checkRange(query, madeAt);
    const tunnel = this.deps.gateway.listTunnels().find((t) => t.name === query.tunnel);
    if (!tunnel) throw notFound(`tunnel ${query.tunnel}`);

    this.deps.recorder.flush();
    const config = this.deps.configService.read();
    const findings = this.findings(tunnel.name);
    const peers = peersOf(tunnel, findings.list);
    const events = this.events(tunnel.name, peers, range);
    const datagrams = this.datagrams(tunnel.name, peers, range);
    const statsText = this.deps.gateway.formatStats(this.deps.gateway.stats());

    const readme = formatReadme({
      actor,
      madeAt,
      serverVersion: this.deps.serverVersion,
      tunnel,
      peers,
      range,
      configVersion: config.version.id,
      events,
      datagrams,
      findings,
    });
    const text = (value: string): Uint8Array => Buffer.from(this.deps.guard.scrub(value), 'utf8');
    const contents: Record<SupportBundleFileName, Uint8Array> = {
      'README.txt': text(readme),
      'config.json': text(JSON.stringify({ version: config.version, config: config.config }, null, 2) + '\n'),
      'events.jsonl': text(events.items.map((e) => JSON.stringify(e) + '\n').join('')),
      'findings.json': text(JSON.stringify(findings.list ?? { unavailable: findings.unavailable }, null, 2) + '\n'),
      'snoop.txt': text(datagrams.items.map(formatSnoopLine).join('')),
      // Binary: raw IKE datagrams as they crossed the socket (encrypted payloads stay encrypted).
      'capture.pcap': writePcap(datagrams.items.map(storedDatagramToUdp)),
      'stats.txt': text(statsText.endsWith('\n') ? statsText : statsText + '\n'),
      'flows.txt': text(this.flowsText()),
      'dataplane.json': text(JSON.stringify(this.dataPlaneState(), null, 2) + '\n'),
      'certificates.json': text(JSON.stringify(this.certificateState(), null, 2) + '\n'),
    };
    const bytes = writeTar(
      SUPPORT_BUNDLE_FILES.map((file) => ({ name: file.name, data: contents[file.name] })),
      madeAt,
    );

    const counts = { events: events.items.length, datagrams: datagrams.items.length, findings: findings.list?.items.length ?? 0 };
    this.deps.auditLog.record(actor, 'support.bundle.export', `tunnel:${tunnel.name}`, {
      from: range.from,
      to: range.to,
      peers,
      configVersion: config.version.id,
      ...counts,
      truncated: events.truncated || datagrams.truncated,
    });
    return { filename: bundleFilename(tunnel.name, range), bytes, counts };
  }

  /** `flow -show -verbose` of the whole flow table (paged through, capped), or why there is none. */
  private flowsText(): string {
    return whenAvailable(
      () => {
        const flows: FlowView[] = [];
        let total = 0;
        for (let offset = 0; offset < SUPPORT_BUNDLE_MAX_FLOWS; offset += 1000) {
          const page = this.deps.gateway.listFlows({ offset, limit: 1000 });
          total = page.total;
          flows.push(...page.flows);
          if (page.flows.length < 1000) break;
        }
        const note = total > flows.length ? `\n(${total - flows.length} more flows not included)` : '';
        return `${formatFlowPageText(flows, true)}${note}\n`;
      },
      (reason) => `flow table unavailable: ${reason}\n`,
    );
  }

  private dataPlaneState(): unknown {
    return whenAvailable<unknown>(
      () => ({ counters: this.deps.gateway.dataPlaneCounters(), interfaces: this.deps.gateway.dataPlaneInterfaces() }),
      (reason) => ({ unavailable: reason }),
    );
  }

  /** The cache and the directory listing as the API shows them: summaries, PEM of public certificates, `hasKey` flags; no key material. */
  private certificateState(): unknown {
    return whenAvailable<unknown>(
      () => ({ cache: this.deps.gateway.certificateCache(), store: this.deps.gateway.certificateStore() }),
      (reason) => ({ unavailable: reason }),
    );
  }

  /** The current findings of the tunnel; none (with the reason) when diagnosis cannot read the config. */
  private findings(tunnel: string): { list: FindingList | null; unavailable: string | null } {
    try {
      return { list: this.deps.diagnosis.listFindings({ tunnel }), unavailable: null };
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unavailable') return { list: null, unavailable: err.message };
      throw err;
    }
  }

  /** Events stored under the tunnel's name or one of its peers, in the range, oldest first. */
  private events(tunnel: string, peers: readonly string[], range: BundleRange): Limited<StoredEvent> {
    const limit = SUPPORT_BUNDLE_MAX_EVENTS + 1;
    const repo = this.deps.store.events;
    const batches = [
      repo.queryEvents({ tunnel, from: range.from, to: range.to, limit }),
      ...peers.map((peer) => repo.queryEvents({ peer, from: range.from, to: range.to, limit })),
    ];
    return newestById(batches, SUPPORT_BUNDLE_MAX_EVENTS);
  }

  /** Datagrams stored under the tunnel's name or from/to one of its peers, in the range, oldest first. */
  private datagrams(tunnel: string, peers: readonly string[], range: BundleRange): Limited<DatagramRow> {
    const limit = SUPPORT_BUNDLE_MAX_DATAGRAMS + 1;
    const repo = this.deps.store.events;
    const batches = [
      repo.queryDatagrams({ tunnel, from: range.from, to: range.to, limit }),
      ...peers.map((peer) => repo.queryDatagrams({ peer, from: range.from, to: range.to, limit })),
    ];
    return newestById(batches, SUPPORT_BUNDLE_MAX_DATAGRAMS);
  }
}

/** The value, or the fallback with the reason when the engine (or the subsystem) is not running. */
function whenAvailable<T>(read: () => T, unavailable: (reason: string) => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof GatewayActionError && err.kind === 'unavailable') return unavailable(err.message);
    throw err;
  }
}

/** `to` defaults to now, `from` to an hour before `to`; 400 naming the field when the range is backwards or too long. */
export function checkRange(query: Pick<SupportBundleQuery, 'from' | 'to'>, now: number): BundleRange {
  const to = query.to ?? now;
  const from = query.from ?? Math.max(0, to - SUPPORT_BUNDLE_DEFAULT_RANGE_MS);
  const fields: FieldError[] = [];
  if (from > to) fields.push({ path: 'querystring.from', message: `must not be after to (${to})` });
  else if (to - from > SUPPORT_BUNDLE_MAX_RANGE_MS) {
    fields.push({ path: query.from === undefined ? 'querystring.to' : 'querystring.from', message: `range longer than ${SUPPORT_BUNDLE_MAX_RANGE_MS / 86_400_000} days` });
  }
  if (fields.length > 0) throw badRequest(`invalid time range: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, fields);
  return { from, to };
}

function peersOf(tunnel: TunnelStatusView, findings: FindingList | null): string[] {
  const peers = new Set<string>();
  if (tunnel.remote !== 'none' && tunnel.remote !== '') peers.add(tunnel.remote);
  for (const finding of findings?.items ?? []) if (finding.peer !== null && finding.peer !== '') peers.add(finding.peer);
  return [...peers];
}

/** Merges newest-first batches by id: the newest `max`, oldest first. */
function newestById<T extends { id: number }>(batches: readonly T[][], max: number): Limited<T> {
  const byId = new Map<number, T>();
  for (const batch of batches) for (const item of batch) byId.set(item.id, item);
  const sorted = [...byId.values()].sort((a, b) => a.id - b.id);
  const truncated = sorted.length > max;
  return { items: truncated ? sorted.slice(sorted.length - max) : sorted, truncated };
}

/** `<ISO time, ms> #<datagram id> <stored brief line>`; continuation lines indented. */
function formatSnoopLine(row: DatagramRow): string {
  const brief = row.brief.replace(/\r?\n$/, '').replace(/\r?\n/g, '\n    ');
  return `${new Date(row.time).toISOString()} #${row.id} ${brief}\n`;
}

interface ReadmeInput {
  actor: Actor;
  madeAt: number;
  serverVersion: string;
  tunnel: TunnelStatusView;
  peers: readonly string[];
  range: BundleRange;
  configVersion: number;
  events: Limited<StoredEvent>;
  datagrams: Limited<DatagramRow>;
  findings: { list: FindingList | null; unavailable: string | null };
}

function formatReadme(r: ReadmeInput): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const configured = r.tunnel.remote === 'none' ? 'none (roaming tunnel)' : r.tunnel.remote;
  const width = Math.max(...SUPPORT_BUNDLE_FILES.map((f) => f.name.length)) + 2;
  const truncatedNote = (l: Limited<unknown>, max: number) => (l.truncated ? ` (more in the range: only the newest ${max} are here)` : '');
  const findingsLine = r.findings.list
    ? `${r.findings.list.items.length} current finding(s) from a window of ${r.findings.list.window.events} stored event(s)${r.findings.list.window.truncated ? ' (window truncated)' : ''}`
    : `none: ${r.findings.unavailable ?? 'diagnosis unavailable'}`;
  return [
    'tunnelscope support bundle',
    '==========================',
    '',
    `Tunnel:          ${r.tunnel.name} (state now: ${r.tunnel.state}, ${r.tunnel.ikeSaCount} IKE SA(s), ${r.tunnel.childSaCount} child SA(s))`,
    `Peer:            ${configured}`,
    `Peers included:  ${r.peers.length > 0 ? r.peers.join(', ') : '(none: only events and datagrams carrying the tunnel name)'}`,
    `Time range:      ${iso(r.range.from)} .. ${iso(r.range.to)} (inclusive; ms since epoch ${r.range.from} .. ${r.range.to})`,
    `Made at:         ${iso(r.madeAt)}`,
    `Made by:         ${r.actor.name} (${r.actor.role}${r.actor.ip ? `, from ${r.actor.ip}` : ''})`,
    `Server version:  tunnelscope ${r.serverVersion}`,
    `Config version:  ${r.configVersion}`,
    '',
    'Contents',
    '--------',
    ...SUPPORT_BUNDLE_FILES.map((f) => `${f.name.padEnd(width)}${f.description}`),
    '',
    'Counts',
    '------',
    `events.jsonl:   ${r.events.items.length} event(s)${truncatedNote(r.events, SUPPORT_BUNDLE_MAX_EVENTS)}`,
    `snoop.txt, capture.pcap: ${r.datagrams.items.length} datagram(s)${truncatedNote(r.datagrams, SUPPORT_BUNDLE_MAX_DATAGRAMS)}`,
    `findings.json:  ${findingsLine}`,
    '',
    'Findings are the diagnosis now (not limited to the time range). Their evidence',
    'event ids are the "id" fields in events.jsonl; datagram ids are the #ids in',
    'snoop.txt (a finding may cite events outside the range).',
    '',
    'Secrets',
    '-------',
    'No pre-shared keys, private keys, XAuth passwords or session keys are in this',
    'bundle: config.json is redacted by the engine and every text file passed the',
    "server's secret guard. Encrypted IKE payloads in capture.pcap stay encrypted;",
    'decrypting them needs the session keys, which only an admin can export',
    '(GET /api/v1/keys/captures, audited), separately from this bundle.',
    '',
  ].join('\n');
}

/** `tunnelscope-<tunnel>-<from>-<to>.tar`, times as UTC `YYYYMMDDTHHMMSSZ`, the name reduced to [A-Za-z0-9._-]. */
export function bundleFilename(tunnel: string, range: BundleRange): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const safe = tunnel.replace(/[^A-Za-z0-9._-]/g, '_');
  return `tunnelscope-${safe}-${stamp(range.from)}-${stamp(range.to)}.tar`;
}

// ---- ustar writer ------------------------------------------------------------
//
// POSIX.1-1988 ustar, regular files only, no compression. Each file is a
// 512-byte header then its data padded to 512; the archive ends with two
// zero blocks.
//
//   offset size field           offset size field
//      0   100 name               257    6 magic "ustar\0"
//    100     8 mode (octal)       263    2 version "00"
//    108     8 uid                265   32 uname
//    116     8 gid                297   32 gname
//    124    12 size (octal)       329    8 devmajor
//    136    12 mtime (octal, s)   337    8 devminor
//    148     8 checksum           345  155 prefix
//    156     1 typeflag '0'       500   12 (padding)
//    157   100 linkname

const TAR_BLOCK = 512;
const TAR_MAX_SIZE = 8 ** 11 - 1;

export interface TarEntry {
  /** ASCII path inside the archive, at most 100 bytes. */
  name: string;
  data: Uint8Array;
}

export function writeTar(entries: readonly TarEntry[], mtimeMs: number): Uint8Array {
  const size = entries.reduce((n, e) => n + TAR_BLOCK + Math.ceil(e.data.length / TAR_BLOCK) * TAR_BLOCK, 2 * TAR_BLOCK);
  const out = Buffer.alloc(size);
  let offset = 0;
  for (const entry of entries) {
    tarHeader(entry, Math.floor(mtimeMs / 1000)).copy(out, offset);
    offset += TAR_BLOCK;
    out.set(entry.data, offset);
    offset += Math.ceil(entry.data.length / TAR_BLOCK) * TAR_BLOCK;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function tarHeader(entry: TarEntry, mtimeS: number): Buffer {
  if (!/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(entry.name)) throw new Error(`tar: file name not printable ASCII of 1..100 bytes: ${JSON.stringify(entry.name)}`);
  if (entry.data.length > TAR_MAX_SIZE) throw new Error(`tar: ${entry.name} is larger than ustar allows`);
  const header = Buffer.alloc(TAR_BLOCK);
  const ascii = (value: string, at: number) => header.write(value, at, 'ascii');
  const octal = (value: number, at: number, width: number) => ascii(value.toString(8).padStart(width - 1, '0') + '\0', at);
  ascii(entry.name, 0);
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(entry.data.length, 124, 12);
  octal(mtimeS, 136, 12);
  ascii('0', 156);
  ascii('ustar\0', 257);
  ascii('00', 263);
  ascii('tunnelscope', 265);
  ascii('tunnelscope', 297);
  // The checksum is summed with its own field as eight spaces.
  ascii(' '.repeat(8), 148);
  const sum = header.reduce((n, byte) => n + byte, 0);
  ascii(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return header;
}
