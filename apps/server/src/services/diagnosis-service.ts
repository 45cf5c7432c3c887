/**
 * Diagnosis over the live gateway: findings from the running config, the
 * stored events (a bounded window, see diagnosis-events.ts), the SA tables
 * and the clock; a finding's machine fix previewed as a diff and applied as
 * a new config version; operator PSK tests folded into the findings; the
 * swanctl.conf the peer needs.
 *
 *   GET findings --> config (current version, unredacted) + window + SAs + now --> diagnose
 *                      --> PSK tests of this version applied --> evidence linked to stored datagrams
 *
 *   preview(finding, fix) --> proposeFix on version V (unredacted) --> diff (<secret>) + engine validation
 *   apply(finding, fix, baseVersion V) --(V is not current)--> 409
 *                          | proposeFix again on V
 *                          v
 *                   configService.replace(newConfig, baseVersion V)  (version V+1, audited)
 *                          v
 *                   initiate the tunnel --> `diagnose.fix.applied` on the stream
 *
 * Findings are recomputed on every read (cached for a moment while nothing
 * new arrived), so an applied fix is re-checked by the next GET. Responses
 * carry config paths and `<secret>`, never a key.
 */
import {
  applyPskTestResult,
  diagnose,
  findingsForTunnel,
  generateSwanctlConf,
  proposeFix,
  toDiagnosisEvents,
  WIZARD_FOR_FINDING,
  type EvidenceItem,
  type Finding as DiagnosisFinding,
  type ProposedFix,
  type SaStateSnapshot,
} from '@tunnelscope/diagnosis';
import type {
  EvidenceEvent,
  Finding,
  FindingDetail,
  FindingEvidenceItem,
  FindingList,
  FindingsQuery,
  FixApplyBody,
  FixApplyResponse,
  FixDiff,
  FixPreviewResponse,
  GatewayConfig as EngineConfig,
  StoredEvent,
  SwanctlQuery,
  TestPskBody,
  TestPskDiagnosisResponse,
} from '../contract.ts';
import { validateConfig } from '../engine-api.ts';
import { ApiError, conflict, forbidden, notFound } from '../errors.ts';
import { GatewayActionError, type GatewayPort } from '../plugins/app/gateway-port.ts';
import type { Store } from '../store/store.ts';
import { roleAtLeast, type Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { ConfigService } from './config-service.ts';
import { DatagramLinker, DiagnosisEventWindow, DEFAULT_EVENT_WINDOW, type EventWindowOptions } from './diagnosis-events.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { Operations } from './operations.ts';

export interface DiagnosisServiceOptions {
  window: EventWindowOptions;
  /** A computed diagnosis is reused this long while no event arrived and nothing changed. */
  cacheMs: number;
  /** Operator PSK tests kept to update findings (the key itself is never kept). */
  maxPskTests: number;
}

export const DEFAULT_DIAGNOSIS_OPTIONS: DiagnosisServiceOptions = { window: DEFAULT_EVENT_WINDOW, cacheMs: 2_000, maxPskTests: 200 };

export interface DiagnosisDeps {
  gateway: GatewayPort;
  store: Store;
  recorder: EventRecorder;
  configService: ConfigService;
  operations: Operations;
  auditLog: AuditLog;
  onError: (err: unknown, where: string) => void;
}

/** One diagnosis run: what it read and what it found. */
export interface DiagnosisSnapshot {
  version: number;
  config: EngineConfig;
  events: StoredEvent[];
  truncated: boolean;
  since: number | null;
  findings: DiagnosisFinding[];
  generatedAt: number;
}

interface PskTestRecord {
  tunnel: string;
  kind: 'passphrase' | 'hex';
  outcome: { result: 'match' | 'mismatch' | 'no_evidence'; detail: string };
  configVersion: number;
}

const PSK_FINDING_CODES: ReadonlySet<string> = new Set(['incorrect_psk', 'psk_type_mismatch', 'wrong_tunnel_selected']);
const MAX_NOTE_LENGTH = 500;

export class DiagnosisService {
  readonly window: DiagnosisEventWindow;
  private readonly linker: DatagramLinker;
  private configCache: { version: number; config: EngineConfig } | undefined;
  private snapshotCache: { key: string; at: number; snapshot: DiagnosisSnapshot } | undefined;
  private pskTests: PskTestRecord[] = [];
  private pskTestCount = 0;

  constructor(
    private readonly deps: DiagnosisDeps,
    private readonly options: DiagnosisServiceOptions = DEFAULT_DIAGNOSIS_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {
    this.window = new DiagnosisEventWindow(deps.store, deps.recorder, options.window);
    this.linker = new DatagramLinker(deps.store, deps.recorder);
  }

  /** The running config (current version, secrets included) in the engine's model. */
  currentConfig(): { version: number; config: EngineConfig } {
    const version = this.deps.configService.currentVersion();
    if (version === 0) throw new ApiError('unavailable', 'no config loaded yet');
    if (this.configCache?.version === version) return this.configCache;
    const full = this.deps.store.config.full(version);
    const checked = full === undefined ? undefined : validateConfig(full);
    if (!checked?.ok) throw new ApiError('unavailable', `config version ${version} is not in the engine's config model: diagnosis cannot read it`);
    this.configCache = { version, config: checked.config };
    return this.configCache;
  }

  /** The SA tables as diagnosis reads them. */
  saState(): SaStateSnapshot {
    return {
      ikeSas: this.deps.gateway.listIkeSas().map((sa) => ({
        id: sa.id,
        tunnel: sa.tunnel,
        state: sa.state,
        role: sa.role,
        remote: sa.remote,
        ...(sa.establishedAt !== undefined ? { establishedAt: sa.establishedAt } : {}),
        ...(sa.rekeyAt !== undefined ? { rekeyAt: sa.rekeyAt } : {}),
        ...(sa.expiresAt !== undefined ? { expiresAt: sa.expiresAt } : {}),
      })),
      childSas: this.deps.gateway.listChildSas().map((child) => ({
        id: child.id,
        ikeSaId: child.ikeSaId,
        tunnel: child.tunnel,
        state: child.state,
        localTs: child.localTs,
        remoteTs: child.remoteTs,
        ...(child.establishedAt !== undefined ? { establishedAt: child.establishedAt } : {}),
      })),
    };
  }

  snapshot(since?: number): DiagnosisSnapshot {
    const { version, config } = this.currentConfig();
    const slice = this.window.read(since);
    const now = this.now();
    const key = [version, since ?? '', slice.events.length, slice.events[slice.events.length - 1]?.id ?? 0, this.pskTestCount].join('|');
    const cached = this.snapshotCache;
    if (cached && cached.key === key && now - cached.at < this.options.cacheMs) return cached.snapshot;
    let findings: DiagnosisFinding[];
    try {
      findings = diagnose({ config, events: toDiagnosisEvents(slice.events), saState: this.saState(), now });
    } catch (err) {
      throw new ApiError('internal', 'diagnosis failed', undefined, err);
    }
    const snapshot: DiagnosisSnapshot = {
      version,
      config,
      events: slice.events,
      truncated: slice.truncated,
      since: since ?? null,
      findings: this.withPskTests(findings, version),
      generatedAt: now,
    };
    this.snapshotCache = { key, at: now, snapshot };
    return snapshot;
  }

  listFindings(query: FindingsQuery): FindingList {
    const snapshot = this.snapshot(query.since);
    const findings = query.tunnel === undefined ? snapshot.findings : findingsForTunnel(snapshot.findings, query.tunnel);
    return {
      items: this.toApiFindings(findings),
      configVersion: snapshot.version,
      window: {
        events: snapshot.events.length,
        firstEventId: snapshot.events[0]?.id ?? null,
        lastEventId: snapshot.events[snapshot.events.length - 1]?.id ?? null,
        since: snapshot.since,
        truncated: snapshot.truncated,
      },
      generatedAt: snapshot.generatedAt,
    };
  }

  /** One finding with every cited event as stored and the stored datagrams behind them. */
  findingDetail(id: string): FindingDetail {
    const snapshot = this.snapshot();
    const finding = requireFinding(snapshot, id);
    const cited = [...finding.evidence.events, ...finding.evidence.snoopLines].sort((a, b) => a.eventId - b.eventId);
    const stored = cited.map((item) => this.window.get(item.eventId));
    const links = this.linker.linkMany(cited.map((item, i) => ({ event: stored[i], engineIds: item.datagramIds })));
    const events: EvidenceEvent[] = cited.flatMap((item, i): EvidenceEvent[] => {
      const event = stored[i];
      if (!event) return [];
      const datagrams = links[i]!.ids.flatMap((datagramId) => {
        const row = this.deps.store.events.datagram(datagramId);
        return row
          ? [{ id: row.id, href: `/api/v1/snoop/datagrams/${row.id}`, time: row.time, direction: row.direction, exchange: row.exchange, messageId: row.message_id, text: row.brief }]
          : [];
      });
      return [
        {
          id: event.id,
          time: event.time,
          topic: event.topic,
          type: event.type,
          code: event.code,
          tunnel: event.tunnel,
          peer: event.peer,
          text: event.text,
          datagrams,
          unlinkedDatagrams: new Set(item.datagramIds).size - datagrams.length,
        },
      ];
    });
    return { finding: this.toApiFindings([finding])[0]!, evidence: { events }, configVersion: snapshot.version };
  }

  previewFix(actor: Actor, findingId: string, fixId: string, baseVersion: number | undefined): FixPreviewResponse {
    const snapshot = this.snapshot();
    if (baseVersion !== undefined && baseVersion !== snapshot.version) throw changedSince(baseVersion, snapshot.version);
    const finding = requireFinding(snapshot, findingId);
    const proposal = proposeFixOrFail(finding, fixId, snapshot.config);
    const validation = this.deps.gateway.validateConfig(proposal.newConfig);
    this.deps.auditLog.record(actor, 'diagnose.fix.preview', `finding:${finding.id}`, { code: finding.code, fixId: proposal.fix.id, baseVersion: snapshot.version, valid: validation.ok });
    return {
      findingId: finding.id,
      fixId: proposal.fix.id,
      summary: proposal.fix.summary,
      baseVersion: snapshot.version,
      diff: apiDiff(proposal),
      valid: validation.ok,
      errors: validation.ok ? [] : validation.errors,
    };
  }

  async applyFix(actor: Actor, findingId: string, fixId: string, body: FixApplyBody): Promise<FixApplyResponse> {
    const snapshot = this.snapshot();
    if (body.baseVersion !== snapshot.version) throw changedSince(body.baseVersion, snapshot.version);
    const finding = requireFinding(snapshot, findingId);
    const proposal = proposeFixOrFail(finding, fixId, snapshot.config);
    const diff = apiDiff(proposal);
    const note = `fix ${finding.code} from finding ${finding.id}: ${proposal.fix.summary}`.slice(0, MAX_NOTE_LENGTH);
    // Validated, applied, stored and audited by the config service; it refuses (409) if the version moved meanwhile.
    const version = await this.deps.configService.replace(actor, proposal.newConfig, note, body.baseVersion);
    this.snapshotCache = undefined;
    this.deps.auditLog.record(actor, 'diagnose.fix.apply', `finding:${finding.id}`, {
      code: finding.code,
      fixId: proposal.fix.id,
      version: version.id,
      changedPaths: diff.changes.map((c) => c.path),
    });
    const initiated = body.initiate === false ? null : await this.initiateAfterFix(actor, finding.tunnel, proposal.newConfig);
    this.deps.recorder.publishServerEvent({
      topic: 'diagnose',
      type: 'diagnose.fix.applied',
      time: this.now(),
      tunnel: finding.tunnel ?? undefined,
      text: `fix ${proposal.fix.id} for ${finding.code} applied as config version ${version.id} by ${actor.name}`,
      event: { type: 'diagnose.fix.applied', findingId: finding.id, code: finding.code, fixId: proposal.fix.id, version: version.id, author: actor.name },
    });
    return { findingId: finding.id, fixId: proposal.fix.id, version, diff, initiated };
  }

  /** The PSK test (audited by Operations); its result updates the tunnel's authentication findings until the config changes. */
  async testPsk(actor: Actor, body: TestPskBody): Promise<TestPskDiagnosisResponse> {
    const result = await this.deps.operations.testPsk(actor, body.tunnel, body.psk);
    const configVersion = this.deps.configService.currentVersion();
    this.pskTests.push({ tunnel: body.tunnel, kind: body.psk.kind, outcome: { result: result.result, detail: result.detail }, configVersion });
    if (this.pskTests.length > this.options.maxPskTests) this.pskTests.splice(0, this.pskTests.length - this.options.maxPskTests);
    this.pskTestCount++;
    let findings: Finding[] = [];
    try {
      const updated = findingsForTunnel(this.snapshot().findings, body.tunnel).filter((f) => PSK_FINDING_CODES.has(f.code));
      findings = this.toApiFindings(updated);
    } catch (err) {
      // The test itself succeeded; findings are an extra (none when diagnosis cannot read the config).
      if (!(err instanceof ApiError && err.code === 'unavailable')) this.deps.onError(err, 'psk test findings');
    }
    return { ...result, findings };
  }

  /** swanctl.conf for the tunnel's peer; the real key only for an admin who asks (audited). */
  swanctlConf(actor: Actor, tunnel: string, query: SwanctlQuery): { text: string; withSecret: boolean } {
    const withSecret = query.includeSecret === true;
    if (withSecret && !roleAtLeast(actor.role, 'admin')) throw forbidden('includeSecret needs the admin role');
    const { version, config } = this.currentConfig();
    if (!config.tunnels.some((t) => t.name === tunnel)) throw notFound(`tunnel ${tunnel}`);
    const text = generateSwanctlConf(config, tunnel, { ...(query.peerAddress !== undefined ? { peerAddress: query.peerAddress } : {}), includeSecret: withSecret });
    if (withSecret) this.deps.auditLog.record(actor, 'diagnose.swanctl.export', `tunnel:${tunnel}`, { includeSecret: true, version });
    return { text, withSecret };
  }

  /** Findings as the API shows them: evidence datagram ids are the server's stored datagrams. */
  toApiFindings(findings: readonly DiagnosisFinding[]): Finding[] {
    const citations = findings.flatMap((f) => [...f.evidence.events, ...f.evidence.snoopLines]).map((item) => ({
      event: this.window.get(item.eventId),
      engineIds: item.datagramIds,
    }));
    const links = this.linker.linkMany(citations);
    let next = 0;
    const item = (evidence: EvidenceItem): FindingEvidenceItem => ({
      eventId: evidence.eventId,
      type: evidence.type,
      time: evidence.time,
      text: evidence.text,
      datagramIds: links[next++]!.ids,
      ...(evidence.code !== undefined ? { code: evidence.code } : {}),
      ...(evidence.condition !== undefined ? { condition: evidence.condition } : {}),
    });
    return findings.map((f) => {
      const events = f.evidence.events.map(item);
      const snoopLines = f.evidence.snoopLines.map(item);
      return {
        id: f.id,
        code: f.code,
        title: f.title,
        seedSection: f.seedSection,
        severity: f.severity,
        tunnel: f.tunnel,
        peer: f.peer,
        side: f.side,
        phase: f.phase,
        confidence: { score: f.confidence.score, reasoning: [...f.confidence.reasoning] },
        evidence: {
          events,
          snoopLines,
          datagramIds: [...new Set([...events, ...snoopLines].flatMap((e) => e.datagramIds))].sort((a, b) => a - b),
          configPaths: [...f.evidence.configPaths],
          occurrences: f.evidence.occurrences,
          firstSeenAt: f.evidence.firstSeenAt,
          lastSeenAt: f.evidence.lastSeenAt,
        },
        explanation: f.explanation,
        fixSteps: [...f.fixSteps],
        fixes: f.fixes.map((fix) => ({ id: fix.id, summary: fix.summary, actions: fix.actions.map((action) => ({ ...action })) })),
        facts: { ...f.facts },
        resolvedSince: f.resolvedSince,
        wizard: WIZARD_FOR_FINDING[f.code],
      };
    });
  }

  private withPskTests(findings: DiagnosisFinding[], version: number): DiagnosisFinding[] {
    let out = findings;
    for (const test of this.pskTests) {
      if (test.configVersion !== version) continue;
      const about = new Set(findingsForTunnel(out, test.tunnel));
      out = out.map((f) => (about.has(f) ? applyPskTestResult(f, test.kind, test.outcome) : f));
    }
    return out;
  }

  private async initiateAfterFix(actor: Actor, tunnel: string | null, config: EngineConfig): Promise<FixApplyResponse['initiated']> {
    if (tunnel === null) return null;
    const configured = config.tunnels.find((t) => t.name === tunnel);
    if (!configured) return null;
    if (configured.remoteEndpoint === 'none') return { tunnel, accepted: false, message: `"${tunnel}" is a roaming tunnel (remote endpoint none): the peer has to initiate` };
    try {
      const result = await this.deps.operations.initiate(actor, tunnel);
      return { tunnel, accepted: result.accepted, message: result.message };
    } catch (err) {
      if (err instanceof GatewayActionError) return { tunnel, accepted: false, message: err.message };
      throw err;
    }
  }
}

function requireFinding(snapshot: DiagnosisSnapshot, id: string): DiagnosisFinding {
  const finding = snapshot.findings.find((f) => f.id === id);
  if (!finding) throw notFound(`finding ${id} (findings are re-read from the events on every request: it is not there now)`);
  return finding;
}

function proposeFixOrFail(finding: DiagnosisFinding, fixId: string, config: EngineConfig): ProposedFix {
  if (!finding.fixes.some((f) => f.id === fixId)) {
    throw notFound(`fix ${fixId} of finding ${finding.id}${finding.fixes.length > 0 ? ` (fixes: ${finding.fixes.map((f) => f.id).join(', ')})` : ' (it has no machine-applicable fix)'}`);
  }
  const proposal = proposeFix(finding, config, { fixId });
  if (!proposal.ok) throw conflict(`fix ${fixId} cannot be applied to the current config: ${proposal.reason}`);
  return proposal;
}

function apiDiff(proposal: ProposedFix): FixDiff {
  return {
    text: proposal.diff.text,
    changes: proposal.diff.changes.map((c) => ({ path: c.path, ...(c.before !== undefined ? { before: c.before } : {}), ...(c.after !== undefined ? { after: c.after } : {}) })),
  };
}

function changedSince(base: number, current: number): ApiError {
  return conflict(`the config changed since version ${base} (current is ${current}): preview the fix again`);
}
