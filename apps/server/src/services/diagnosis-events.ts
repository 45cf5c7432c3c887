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
 * sequence per engine instance, restarting at 1). The recorder stores every
 * event with the engine run that emitted it and every datagram with its
 * (engine run, engine datagram id), so a cited id is linked exactly:
 *
 *   event id --events.engine_run--> run;  (run, engine id) --datagrams index--> stored id
 *
 * Ids with no stored datagram (pruned, or recorded before the engine ids
 * were kept) are left out, never guessed.
 */
import type { EventTopic, StoredEvent } from '../contract.ts';
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

export interface DatagramCitation {
  event: StoredEvent | undefined;
  engineIds: readonly number[];
}

export class DatagramLinker {
  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {}

  /** The server's ids of the engine datagrams each event cites, in order. */
  linkMany(citations: readonly DatagramCitation[]): LinkedDatagrams[] {
    const wanted = citations.map(({ engineIds }) => [...new Set(engineIds)].sort((a, b) => a - b));
    const eventIds = citations.flatMap(({ event }, i) => (event && wanted[i]!.length > 0 ? [event.id] : []));
    if (eventIds.length === 0) return wanted.map(() => ({ ids: [], unlinked: 0 }));
    // Datagrams reach the recorder before the events citing them: one flush makes both visible.
    this.recorder.flush();
    const runs = this.store.events.eventEngineRuns([...new Set(eventIds)]);
    const idsByRun = new Map<string, Set<number>>();
    for (const [i, { event }] of citations.entries()) {
      const run = event ? runs.get(event.id) : undefined;
      if (run === undefined) continue;
      const ids = idsByRun.get(run) ?? new Set<number>();
      for (const id of wanted[i]!) ids.add(id);
      idsByRun.set(run, ids);
    }
    const storedIdsByRun = new Map([...idsByRun].map(([run, ids]) => [run, this.store.events.datagramIdsOfEngineRun(run, [...ids])]));
    return citations.map(({ event }, i) => {
      const engineIds = wanted[i]!;
      const stored = event ? storedIdsByRun.get(runs.get(event.id) ?? '') : undefined;
      const ids = stored ? engineIds.flatMap((id) => (stored.has(id) ? [stored.get(id)!] : [])) : [];
      return { ids, unlinked: engineIds.length - ids.length };
    });
  }
}
