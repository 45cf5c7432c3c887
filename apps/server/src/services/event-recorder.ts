/**
 * Takes every engine event and raw datagram, gives events their stream id,
 * scrubs them, persists them in batches and hands them to the stream hub.
 *
 *   gateway --event--> ingestEvent: id, StoredEvent JSON (scrubbed) -----> hub.publish (live)
 *                                        |                            \--> observers (metrics, alerts)
 *                                        v
 *                      pending batch --every flushIntervalMs--> SQLite (one transaction)
 *
 * Event ids are monotonic across restarts, even after a kill -9 that lost
 * an unflushed batch: ids are reserved in blocks in the store before use,
 * and a restart starts after the reserved ceiling, so an id is never reused.
 */
import type { EventTopic, StoredEvent } from '../contract.ts';
import type { GatewayDatagram, GatewayEvent } from '../plugins/app/gateway-port.ts';
import type { DatagramInput, EventRow } from '../store/event-repo.ts';
import type { Store } from '../store/store.ts';
import type { SecretGuard } from './secret-guard.ts';

/** An event as the hub fans it out: filter fields plus the ready-to-send frame. */
export interface HubEvent {
  id: number;
  topic: EventTopic;
  type: string;
  code: string | null;
  tunnel: string | null;
  peer: string | null;
  /** The `{"type":"event",...}` frame, serialized once for every client. */
  frame: string;
}

export type EventObserver = (event: GatewayEvent, id: number) => void;

export interface RecorderOptions {
  flushIntervalMs: number;
  /** Flush early when this many rows are pending. */
  maxPending: number;
  idBlock: number;
}

export const DEFAULT_RECORDER_OPTIONS: RecorderOptions = { flushIntervalMs: 100, maxPending: 5000, idBlock: 100_000 };

const ID_CEILING_KEY = 'event_id_ceiling';

export interface HubSink {
  publish(event: HubEvent): void;
}

export class EventRecorder {
  private nextId = 1;
  private ceiling = 0;
  private pendingEvents: EventRow[] = [];
  private pendingDatagrams: DatagramInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly observers: EventObserver[] = [];
  private sink: HubSink | undefined;
  private flushFailures = 0;

  constructor(
    private readonly store: Store,
    private readonly guard: SecretGuard,
    private readonly options: RecorderOptions = DEFAULT_RECORDER_OPTIONS,
    private readonly onFlushError: (err: unknown) => void = () => undefined,
  ) {
    const stored = this.store.events.maxEventId();
    const reserved = this.store.settings.get<number>(ID_CEILING_KEY) ?? 0;
    this.nextId = Math.max(stored, reserved) + 1;
    this.ceiling = this.nextId - 1;
  }

  attach(sink: HubSink): void {
    this.sink = sink;
  }

  observe(observer: EventObserver): void {
    this.observers.push(observer);
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** Id of the newest event (0 when none). */
  lastId(): number {
    return this.nextId - 1;
  }

  ingestEvent(event: GatewayEvent): number {
    const id = this.takeId();
    const stored: StoredEvent = {
      id,
      time: event.time,
      topic: event.topic,
      type: event.type,
      code: event.code ?? null,
      tunnel: event.tunnel ?? null,
      peer: event.peer ?? null,
      text: event.text ?? null,
      event: event.event,
    };
    const json = this.guard.scrub(JSON.stringify(stored));
    this.pendingEvents.push({
      id,
      time: stored.time,
      topic: stored.topic,
      type: stored.type,
      code: stored.code,
      tunnel: stored.tunnel,
      peer: stored.peer,
      text: stored.text === null ? null : this.guard.scrub(stored.text),
      json,
      engine_run: event.engineRun ?? null,
    });
    this.sink?.publish({
      id,
      topic: stored.topic,
      type: stored.type,
      code: stored.code,
      tunnel: stored.tunnel,
      peer: stored.peer,
      frame: `{"type":"event","data":${json}}`,
    });
    for (const observer of this.observers) observer(event, id);
    if (this.pendingEvents.length >= this.options.maxPending) this.flush();
    return id;
  }

  /** Events the server itself originates (config changes, alerts) travel the same way. */
  publishServerEvent(event: GatewayEvent): number {
    return this.ingestEvent(event);
  }

  ingestDatagram(d: GatewayDatagram): void {
    this.pendingDatagrams.push({
      time: d.time,
      direction: d.direction,
      local_address: d.local.address,
      local_port: d.local.port,
      remote_address: d.remote.address,
      remote_port: d.remote.port,
      marker: d.marker ? 1 : 0,
      bytes: Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength),
      ike_sa_id: d.ikeSaId ?? null,
      tunnel: d.tunnel ?? null,
      exchange: d.exchange ?? null,
      message_id: d.messageId ?? null,
      response: d.response === undefined ? null : d.response ? 1 : 0,
      error_codes: `,${d.errorCodes.join(',')},`,
      brief: this.guard.scrub(d.brief),
      engine_run: d.engineRun ?? null,
      engine_datagram_id: d.engineDatagramId ?? null,
    });
    if (this.pendingDatagrams.length >= this.options.maxPending) this.flush();
  }

  /** Writes pending rows now. Queries call it first so they see everything ingested. */
  flush(): void {
    if (this.pendingEvents.length === 0 && this.pendingDatagrams.length === 0) return;
    const events = this.pendingEvents;
    const datagrams = this.pendingDatagrams;
    try {
      this.store.events.writeBatch(events, datagrams);
      this.pendingEvents = [];
      this.pendingDatagrams = [];
      this.flushFailures = 0;
    } catch (err) {
      this.flushFailures++;
      this.onFlushError(err);
      // Keep memory bounded when the disk keeps failing: drop the oldest.
      if (events.length > this.options.maxPending * 4) events.splice(0, events.length - this.options.maxPending * 4);
      if (datagrams.length > this.options.maxPending * 4) datagrams.splice(0, datagrams.length - this.options.maxPending * 4);
    }
  }

  /**
   * Events with id > afterId, oldest first, from the store and the pending
   * batch, as replay frames with their filter fields.
   */
  readAfter(afterId: number, limit: number): HubEvent[] {
    const out: HubEvent[] = [];
    const firstPending = this.pendingEvents[0]?.id ?? Number.POSITIVE_INFINITY;
    if (afterId + 1 < firstPending) {
      for (const row of this.store.events.readAfter(afterId, limit)) {
        if (row.id >= firstPending) break;
        out.push(replayFrame(row));
      }
    }
    for (const row of this.pendingEvents) {
      if (out.length >= limit) break;
      if (row.id > afterId) out.push(replayFrame(row));
    }
    return out;
  }

  /** Oldest id still in history (undefined when empty). */
  oldestId(): number | undefined {
    return this.store.events.minEventId() ?? this.pendingEvents[0]?.id;
  }

  private takeId(): number {
    const id = this.nextId++;
    if (id > this.ceiling) {
      this.ceiling = id + this.options.idBlock;
      this.store.settings.set(ID_CEILING_KEY, this.ceiling);
    }
    return id;
  }
}

function replayFrame(row: Pick<EventRow, 'id' | 'topic' | 'type' | 'code' | 'tunnel' | 'peer' | 'json'>): HubEvent {
  return {
    id: row.id,
    topic: row.topic,
    type: row.type,
    code: row.code,
    tunnel: row.tunnel,
    peer: row.peer,
    frame: `{"type":"event","replay":true,"data":${row.json}}`,
  };
}
