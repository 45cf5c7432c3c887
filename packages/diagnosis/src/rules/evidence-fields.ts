/**
 * Typed reads of the daemon's structured evidence (`log.event.evidence`,
 * a record of unknown values): a rule never trusts a field's shape.
 */
import type { LogEvent } from '@tunnelscope/api';
import type { EventIndex, IndexedEvent } from '../events/event-index.ts';

export function field(log: LogEvent, key: string): unknown {
  return (log.evidence as Record<string, unknown>)[key];
}

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

export function numberField(log: LogEvent, key: string): number | undefined {
  const value = field(log, key);
  return typeof value === 'number' ? value : undefined;
}

export function stringField(log: LogEvent, key: string): string | undefined {
  const value = field(log, key);
  return typeof value === 'string' ? value : undefined;
}

export interface PskCandidateEvidence {
  readonly source: string;
  readonly tunnel?: string;
  readonly verifies: boolean;
}

export function pskCandidatesOf(log: LogEvent): PskCandidateEvidence[] {
  const value = field(log, 'pskCandidates');
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): PskCandidateEvidence[] => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    if (typeof record.source !== 'string' || typeof record.verifies !== 'boolean') return [];
    return [{ source: record.source, verifies: record.verifies, ...(typeof record.tunnel === 'string' ? { tunnel: record.tunnel } : {}) }];
  });
}

/**
 * The lifecycle outcome events that report the same failure as a log event
 * (same IKE SA, same time, same code): cited together, explained together.
 */
export function lifecycleTwins(index: EventIndex, log: IndexedEvent & { event: LogEvent }): IndexedEvent[] {
  return index.entries.filter((entry) => {
    const event = entry.event;
    if (entry.time !== log.time || entry.ikeSaId !== log.ikeSaId || entry.id === log.id) return false;
    return (
      (event.type === 'ike.negotiation.failed' || event.type === 'child.negotiation.failed' || event.type === 'child.rekey.failed' || event.type === 'ike.rekey.failed') &&
      event.code === log.event.code
    );
  });
}

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function quote(name: string | null | undefined): string {
  return name ? `"${name}"` : '(no tunnel)';
}
