/**
 * One tunnel's history on one time axis: state changes (up/down), rekeys,
 * failures with codes, and config versions (who changed the config when).
 * Flaps are counted as up->down transitions in the range.
 */
import { useEffect, useState } from 'react';
import type { ConfigVersionInfo, StoredEvent } from '../../../lib/api-types.ts';
import { dedupeFailures, tunnelEventKind, type TunnelEventKind } from '../../../lib/event-kinds.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchConfigVersions, fetchTunnelEvents } from '../api/timeline-api.ts';

export interface TimelineMark {
  key: string;
  time: number;
  lane: 'state' | 'rekey' | 'failure' | 'config';
  kind: TunnelEventKind;
  label: string;
  event: StoredEvent | null;
  version: ConfigVersionInfo | null;
}

export interface StateSegment {
  from: number;
  to: number;
  state: 'up' | 'down';
}

export interface TunnelTimeline {
  marks: TimelineMark[] | null;
  segments: StateSegment[];
  flaps: number;
  error: string | null;
}

const LANE_OF: Partial<Record<TunnelEventKind, TimelineMark['lane']>> = { up: 'state', down: 'state', rekey: 'rekey', failure: 'failure' };

export function buildMarks(events: StoredEvent[], versions: ConfigVersionInfo[], from: number, to: number): TimelineMark[] {
  const relevant = dedupeFailures(events.filter((event) => LANE_OF[tunnelEventKind(event)] !== undefined));
  // Only IKE SA up/down drive the tunnel's state lane; CHILD_SA ones are shown in the list.
  const marks: TimelineMark[] = relevant.map((event) => {
    const kind = tunnelEventKind(event);
    return { key: `e${event.id}`, time: event.time, lane: LANE_OF[kind]!, kind, label: event.code ?? event.type, event, version: null };
  });
  for (const version of versions) {
    if (version.createdAt < from || version.createdAt > to) continue;
    marks.push({
      key: `v${version.id}`,
      time: version.createdAt,
      lane: 'config',
      kind: 'config',
      label: `config v${version.id} by ${version.author}${version.comment ? `: ${version.comment}` : ''}`,
      event: null,
      version,
    });
  }
  return marks.sort((a, b) => a.time - b.time);
}

export function buildSegments(marks: TimelineMark[], from: number, to: number): { segments: StateSegment[]; flaps: number } {
  const changes = marks.filter((mark) => mark.lane === 'state' && mark.event?.type.startsWith('ike.'));
  const segments: StateSegment[] = [];
  let flaps = 0;
  let state: 'up' | 'down' | null = null;
  let since = from;
  for (const change of changes) {
    const next = change.kind === 'up' ? 'up' : 'down';
    if (state !== null && state !== next) segments.push({ from: since, to: change.time, state });
    if (state === 'up' && next === 'down') flaps++;
    if (state !== next) since = change.time;
    state = next;
  }
  if (state !== null) segments.push({ from: since, to, state });
  return { segments, flaps };
}

export function useTunnelTimeline(tunnel: string, from: number, to: number): TunnelTimeline {
  const [events, setEvents] = useState<StoredEvent[] | null>(null);
  const [versions, setVersions] = useState<ConfigVersionInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (tunnel === '') {
      setEvents([]);
      return undefined;
    }
    const controller = new AbortController();
    setEvents(null);
    Promise.all([fetchTunnelEvents(tunnel, from, to, controller.signal), fetchConfigVersions(controller.signal).catch(() => ({ items: [] }))])
      .then(([page, versionList]) => {
        setEvents(page.items);
        setVersions(versionList.items);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(describeError(err));
      });
    return () => controller.abort();
  }, [tunnel, from, to]);

  const live = (event: StoredEvent) => setEvents((current) => (current === null ? current : [event, ...current]));
  useStreamEvents('sa', { tunnel }, live, tunnel !== '');
  useStreamEvents('log', { tunnel }, live, tunnel !== '');

  if (events === null) return { marks: null, segments: [], flaps: 0, error };
  const marks = buildMarks(events, versions, from, to);
  const { segments, flaps } = buildSegments(marks, from, to);
  return { marks, segments, flaps, error };
}
