/**
 * diagnose(input) -> Finding[]: runs the rule table over the indexed input
 * and turns each draft into a finding whose evidence exists in the input
 * (event ids, their snoop lines and datagram ids), sorted by confidence.
 *
 * Pure: no clock (the caller passes `now`), no IO.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import { EventIndex, datagramIdsOf, describeEvent, type IndexedEvent } from './events/event-index.ts';
import type { DiagnosisInput } from './model/diagnosis-input.ts';
import { FINDING_CATALOGUE, MAX_EVIDENCE_EVENTS, type EvidenceItem, type Finding, type FindingSeverity } from './model/finding.ts';
import { addressBookOf } from './net/tunnel-networks.ts';
import { DIAGNOSIS_RULES } from './rules/rule-table.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rules/rule-types.ts';

const MAX_SNOOP_LINES = 24;
const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

function evidenceItem(entry: IndexedEvent): EvidenceItem {
  const event = entry.event;
  return {
    eventId: entry.id,
    type: event.type,
    time: entry.time,
    text: describeEvent(event),
    datagramIds: datagramIdsOf(event),
    ...('code' in event && typeof event.code === 'string' ? { code: event.code } : {}),
    ...(event.type === 'log.event' && event.condition ? { condition: event.condition } : {}),
  };
}

/** Keeps the first cited event and the newest ones. */
function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return [items[0]!, ...items.slice(items.length - (max - 1))];
}

function resolvedLater(index: EventIndex, draft: FindingDraft, lastSeenAt: number | null, lastId: number): boolean {
  if (!draft.resolvedBy || lastSeenAt === null) return false;
  return index.entries.some(
    (entry) =>
      entry.id > lastId &&
      entry.event.type === draft.resolvedBy &&
      entry.tunnel === draft.tunnel &&
      (draft.peer === null || entry.peer === null || entry.peer === draft.peer || draft.resolvedBy.startsWith('child')),
  );
}

function buildFinding(rule: DiagnosisRule, draft: FindingDraft, index: EventIndex): Finding {
  const cited = [...new Set(draft.evidenceEventIds)]
    .map((id) => index.get(id))
    .filter((entry): entry is IndexedEvent => entry !== undefined)
    .sort((a, b) => a.id - b.id);
  const items = cited.map(evidenceItem);
  const datagramIds = [...new Set(items.flatMap((item) => item.datagramIds))].sort((a, b) => a - b);
  const citedIds = new Set(cited.map((c) => c.id));
  const snoopLines = index
    .snoopLinesFor(datagramIds)
    .filter((line) => !citedIds.has(line.id))
    .map(evidenceItem);
  const firstSeenAt = cited[0]?.time ?? null;
  const lastSeenAt = cited[cited.length - 1]?.time ?? null;
  const resolvedSince = resolvedLater(index, draft, lastSeenAt, cited[cited.length - 1]?.id ?? -1);
  const score = Math.max(0, Math.min(1, resolvedSince ? draft.score * 0.5 : draft.score));
  const reasoning = resolvedSince ? [...draft.reasoning, 'a later success of the same tunnel suggests it no longer happens (confidence halved)'] : draft.reasoning;
  const catalogue = FINDING_CATALOGUE[rule.code];
  const phase = draft.phase;
  return {
    id: [rule.code, draft.tunnel ?? '-', phase, draft.discriminator ?? ''].join(':'),
    code: rule.code,
    title: catalogue.title,
    seedSection: catalogue.seedSection,
    severity: draft.severity ?? rule.severity,
    tunnel: draft.tunnel,
    peer: draft.peer,
    side: draft.side,
    phase,
    confidence: { score: Math.round(score * 100) / 100, reasoning },
    evidence: {
      events: sample(items, MAX_EVIDENCE_EVENTS),
      snoopLines: sample(snoopLines, MAX_SNOOP_LINES),
      datagramIds,
      configPaths: draft.configPaths,
      occurrences: draft.occurrences ?? cited.length,
      firstSeenAt,
      lastSeenAt,
    },
    explanation: draft.explanation,
    fixSteps: draft.fixSteps,
    fixes: draft.fixes,
    facts: draft.facts,
    resolvedSince,
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    b.confidence.score - a.confidence.score ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (b.evidence.lastSeenAt ?? 0) - (a.evidence.lastSeenAt ?? 0) ||
    a.id.localeCompare(b.id)
  );
}

/** Runs every rule (or the given table) and returns the findings, most confident first. */
export function diagnose(input: DiagnosisInput, rules: readonly DiagnosisRule[] = DIAGNOSIS_RULES): Finding[] {
  const index = new EventIndex(input.events, input.config, input.now);
  const explained = new Set<number>();
  const byName = new Map<string, { tunnel: TunnelConfig; index: number }>(input.config.tunnels.map((tunnel, i) => [tunnel.name, { tunnel, index: i }]));
  const context: RuleContext = {
    config: input.config,
    book: addressBookOf(input.config),
    index,
    saState: input.saState,
    peerConfig: input.peerConfig ?? {},
    now: input.now,
    isExplained: (id) => explained.has(id),
    tunnel: (name) => (name === null ? undefined : byName.get(name)?.tunnel),
    tunnelIndex: (name) => (name === null ? -1 : (byName.get(name)?.index ?? -1)),
  };
  const findings: Finding[] = [];
  for (const rule of rules) {
    const drafts = rule.evaluate(context);
    for (const draft of drafts) {
      findings.push(buildFinding(rule, draft, index));
      for (const id of draft.explains) explained.add(id);
    }
  }
  return findings.sort(compareFindings);
}

/** Findings about one tunnel (the tunnel named, or the tunnels a finding's facts name). */
export function findingsForTunnel(findings: readonly Finding[], tunnel: string): Finding[] {
  return findings.filter((f) => f.tunnel === tunnel || Object.values(f.facts).includes(tunnel));
}
