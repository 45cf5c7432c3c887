/**
 * What diagnosis reads of the event history, and how its evidence is tied
 * back to what the server stored.
 *
 * DiagnosisEventWindow: the newest stored events of the topics diagnosis
 * reads (sa, log, snoop), in memory and bounded, kept current from the
 * recorder (store + pending batch) after a first read from the store:
 *
 *   first use --> store: newest N per topic --> window (cursor = last id)
 *   every use --> recorder.readAfter(cursor) --> append (diagnosis topics) --> trim to N
 *
 * DatagramLinker: engine events name the engine's own datagram ids (one
 * sequence per engine instance); the server stores every datagram under its
 * own id, in the order the engine produced them. Within one engine instance
 * the two differ by a constant, so the cited ids are linked by finding the
 * offset under which ALL of them land on stored datagrams of the same IKE SA
 * (else the same peer) at or before the event's time. Ids that cannot be
 * linked that way are left out, never guessed.
 */
import type { EventTopic, StoredEvent } from '../contract.ts';
import type { DatagramRow } from '../store/event-repo.ts';
import type { Store } from '../store/store.ts';
import type { EventRecorder } from './event-recorder.ts';

export const DIAGNOSIS_TOPICS: readonly EventTopic[] = ['sa', 'log', 'snoop'];

export interface EventWindowOptions {
  /** Events kept (all diagnosis topics together); the oldest go first. */
  maxEvents: number;
}

export const DEFAULT_EVENT_WINDOW: EventWindowOptions = { maxEvents: 10_000 };

export interface EventWindowSlice {
  events: StoredEvent[];
  /** Events older than the slice's start were dropped from the window (or never read). */
  truncated: boolean;
}

const READ_CHUNK = 5_000;

export class DiagnosisEventWindow {
  private events: StoredEvent[] = [];
  private readonly byId = new Map<number, StoredEvent>();
  private cursor = -1;
  /** The window no longer holds everything since the store's first event. */
  private dropped = false;

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    private readonly options: EventWindowOptions = DEFAULT_EVENT_WINDOW,
  ) {}

  /** The window brought up to date; `since` keeps only events at or after that time. */
  read(since?: number): EventWindowSlice {
    this.catchUp();
    if (since === undefined) return { events: this.events, truncated: this.dropped };
    const first = this.events.findIndex((e) => e.time >= since);
    const events = first < 0 ? [] : this.events.slice(first);
    return { events, truncated: this.dropped && (this.events[0]?.time ?? Number.POSITIVE_INFINITY) > since };
  }

  get(id: number): StoredEvent | undefined {
    this.catchUp();
    return this.byId.get(id) ?? this.store.events.queryEvents({ beforeId: id + 1, limit: 1 }).find((e) => e.id === id);
  }

  private catchUp(): void {
    if (this.cursor < 0) {
      this.recorder.flush();
      this.cursor = this.recorder.lastId();
      const perTopic = DIAGNOSIS_TOPICS.map((topic) => this.store.events.queryEvents({ topic, limit: this.options.maxEvents }));
      if (perTopic.some((rows) => rows.length === this.options.maxEvents)) this.dropped = true;
      const all = perTopic.flat().sort((a, b) => a.id - b.id);
      this.append(all);
      return;
    }
    for (;;) {
      const frames = this.recorder.readAfter(this.cursor, READ_CHUNK);
      if (frames.length === 0) return;
      this.cursor = frames[frames.length - 1]!.id;
      const wanted = frames.filter((f) => DIAGNOSIS_TOPICS.includes(f.topic)).map((f) => (JSON.parse(f.frame) as { data: StoredEvent }).data);
      this.append(wanted);
      if (frames.length < READ_CHUNK) return;
    }
  }

  private append(stored: readonly StoredEvent[]): void {
    for (const event of stored) {
      const kept = compact(event);
      this.events.push(kept);
      this.byId.set(kept.id, kept);
    }
    const excess = this.events.length - this.options.maxEvents;
    if (excess > 0) {
      for (const gone of this.events.splice(0, excess)) this.byId.delete(gone.id);
      this.dropped = true;
    }
  }
}

/** A snoop line's full decode is large and diagnosis only asks whether it was there. */
function compact(event: StoredEvent): StoredEvent {
  if (event.type !== 'snoop.message' || !('detail' in event.event)) return event;
  const raw: Record<string, unknown> = event.event;
  const inner = { ...raw, type: event.event.type, detail: true };
  return { ...event, event: inner };
}

export interface LinkedDatagrams {
  ids: number[];
  unlinked: number;
}

/** Datagrams are looked for this far back from the event that cites them. */
const LINK_LOOKBACK_MS = 10 * 60_000;
const LINK_CANDIDATES = 2_000;
const LINK_CACHE_SIZE = 20_000;

export interface DatagramCitation {
  event: StoredEvent | undefined;
  engineIds: readonly number[];
}

export class DatagramLinker {
  private readonly cache = new Map<string, LinkedDatagrams>();

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {}

  /** The server's ids of the engine datagrams each event cites, in order (one store read per peer). */
  linkMany(citations: readonly DatagramCitation[]): LinkedDatagrams[] {
    const results: Array<LinkedDatagrams | undefined> = [];
    const pending = new Map<string, Array<{ index: number; event: StoredEvent; wanted: number[]; key: string }>>();
    for (const [index, { event, engineIds }] of citations.entries()) {
      const wanted = [...new Set(engineIds)].sort((a, b) => a - b);
      if (wanted.length === 0) {
        results[index] = { ids: [], unlinked: 0 };
        continue;
      }
      if (!event || (ikeSaIdOf(event) === undefined && event.peer === null)) {
        results[index] = { ids: [], unlinked: wanted.length };
        continue;
      }
      const key = `${event.id}:${wanted.join(',')}`;
      const cached = this.cache.get(key);
      if (cached) {
        results[index] = cached;
        continue;
      }
      const group = event.peer ?? '';
      pending.set(group, [...(pending.get(group) ?? []), { index, event, wanted, key }]);
    }
    if (pending.size > 0) this.recorder.flush();
    for (const [peer, items] of pending) {
      const from = Math.min(...items.map((i) => i.event.time)) - LINK_LOOKBACK_MS;
      const to = Math.max(...items.map((i) => i.event.time));
      const shared = this.candidates(peer, from, to);
      for (const item of items) {
        const rows = shared ?? this.candidates(peer, item.event.time - LINK_LOOKBACK_MS, item.event.time) ?? [];
        const linked = this.search(item.event, item.wanted, rows);
        // Datagrams reach the store before the events citing them: a miss now stays a miss.
        this.cache.set(item.key, linked);
        if (this.cache.size > LINK_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
        results[item.index] = linked;
      }
    }
    return results.map((r) => r ?? { ids: [], unlinked: 0 });
  }

  /** Stored datagrams of one peer ('' = any) in a time range, newest first; undefined when the range holds too many to read at once. */
  private candidates(peer: string, from: number, to: number): DatagramRow[] | undefined {
    const rows = this.store.events.queryDatagrams({ from, to, ...(peer !== '' ? { peer } : {}), limit: LINK_CANDIDATES });
    return rows.length === LINK_CANDIDATES ? undefined : rows;
  }

  private search(event: StoredEvent, wanted: readonly number[], rows: readonly DatagramRow[]): LinkedDatagrams {
    const inRange = rows.filter((row) => row.time <= event.time && row.time >= event.time - LINK_LOOKBACK_MS);
    const ikeSaId = ikeSaIdOf(event);
    const ofSa = ikeSaId === undefined ? [] : inRange.filter((row) => row.ike_sa_id === ikeSaId);
    const found = (ofSa.length > 0 ? offsetMatch(ofSa, wanted) : undefined) ?? (event.peer !== null ? offsetMatch(inRange, wanted) : undefined);
    return found ? { ids: found, unlinked: 0 } : { ids: [], unlinked: wanted.length };
  }
}

function ikeSaIdOf(event: StoredEvent): string | undefined {
  const raw: Record<string, unknown> = event.event;
  const id = raw['ikeSaId'];
  return typeof id === 'string' ? id : undefined;
}

/** The newest offset under which every wanted engine id is one of `rows` (newest first). */
function offsetMatch(rows: readonly DatagramRow[], wanted: readonly number[]): number[] | undefined {
  const ids = new Set(rows.map((row) => row.id));
  const newestWanted = wanted[wanted.length - 1]!;
  for (const row of rows) {
    const offset = row.id - newestWanted;
    if (wanted.every((id) => ids.has(id + offset))) return wanted.map((id) => id + offset);
  }
  return undefined;
}
