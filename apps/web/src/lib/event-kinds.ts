/**
 * What a stored event means for a tunnel, read from its `type`, `code` and
 * the engine event it carries: used by the overview's states, the recent
 * failures and the timeline. Event type names are the contract's
 * (`ike.sa.up`, `ike.negotiation.failed`, `log.event`, ...).
 */
import type { StoredEvent } from './api-types.ts';

export type TunnelEventKind = 'up' | 'down' | 'failure' | 'rekey' | 'negotiating' | 'selection' | 'config' | 'info';

const UP_TYPES = new Set(['ike.sa.up', 'child.sa.up']);
const DOWN_TYPES = new Set(['ike.sa.down', 'child.sa.down']);
const REKEY_TYPES = new Set(['ike.sa.rekeyed', 'child.sa.rekeyed']);
const START_TYPES = new Set(['ike.negotiation.started', 'child.negotiation.started', 'ike.rekey.started', 'child.rekey.started']);

function severityOf(event: StoredEvent): string | undefined {
  const severity = event.event['severity'];
  return typeof severity === 'string' ? severity : undefined;
}

export function tunnelEventKind(event: StoredEvent): TunnelEventKind {
  if (UP_TYPES.has(event.type)) return 'up';
  if (DOWN_TYPES.has(event.type)) return 'down';
  if (REKEY_TYPES.has(event.type)) return 'rekey';
  if (START_TYPES.has(event.type)) return 'negotiating';
  if (event.type === 'tunnel.selected') return 'selection';
  if (event.topic === 'config') return 'config';
  if (event.type.endsWith('.failed')) return 'failure';
  if (event.type === 'log.event') {
    const severity = severityOf(event);
    if (severity === 'error' || severity === 'warning') return 'failure';
  }
  return 'info';
}

export function isFailure(event: StoredEvent): boolean {
  return tunnelEventKind(event) === 'failure';
}

/** The stored datagram ids an event cites as its evidence (log events, failures). */
export function evidenceDatagramIds(event: StoredEvent): number[] {
  const evidence = event.event['evidence'];
  if (typeof evidence !== 'object' || evidence === null) return [];
  const ids = (evidence as Record<string, unknown>)['datagramIds'];
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
}

/** The operator message an event carries, if any. */
export function eventMessage(event: StoredEvent): string {
  const message = event.event['message'];
  if (typeof message === 'string') return message;
  return event.text ?? event.type;
}

/**
 * A failure is often reported twice: the lifecycle event
 * (`ike.negotiation.failed`) and the coded log event with its evidence.
 * Keeps the log event and drops a lifecycle failure with the same tunnel
 * and code within two seconds of one.
 */
export function dedupeFailures(failures: StoredEvent[]): StoredEvent[] {
  const logged = failures.filter((event) => event.type === 'log.event');
  return failures.filter(
    (event) =>
      event.type === 'log.event' ||
      !logged.some((log) => log.tunnel === event.tunnel && log.code === event.code && Math.abs(log.time - event.time) <= 2000),
  );
}
