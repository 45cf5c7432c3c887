/**
 * Event history, the raw datagrams behind snoop history, counter history, and
 * their retention. Events and datagrams arrive in batches (one transaction
 * per flush); reads serve REST queries and stream replay.
 */
import type { EventTopic, IkeStatCounters, StoredEvent } from '../contract.ts';
import type { Db } from './database.ts';

export interface EventRow {
  id: number;
  time: number;
  topic: EventTopic;
  type: string;
  code: string | null;
  tunnel: string | null;
  peer: string | null;
  text: string | null;
  /** The StoredEvent as JSON, already scrubbed of secrets. */
  json: string;
  /** The engine instance that emitted it (null for server events and rows older than the column). */
  engine_run: string | null;
}

export interface DatagramRow {
  id: number;
  time: number;
  direction: 'in' | 'out';
  local_address: string;
  local_port: number;
  remote_address: string;
  remote_port: number;
  marker: number;
  bytes: Buffer;
  ike_sa_id: string | null;
  tunnel: string | null;
  exchange: string | null;
  message_id: number | null;
  response: number | null;
  /** `,CODE,CODE,` so one LIKE finds a code. */
  error_codes: string;
  brief: string;
  /** The engine instance that produced it and its id there (null for rows older than the columns). */
  engine_run: string | null;
  engine_datagram_id: number | null;
}

export type DatagramInput = Omit<DatagramRow, 'id'>;

export interface EventFilter {
  topic?: EventTopic | undefined;
  codes?: string[] | undefined;
  tunnel?: string | undefined;
  peer?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  q?: string | undefined;
  beforeId?: number | undefined;
  limit: number;
}

export interface DatagramFilter {
  from?: number | undefined;
  to?: number | undefined;
  tunnel?: string | undefined;
  peer?: string | undefined;
  exchange?: string | undefined;
  code?: string | undefined;
  q?: string | undefined;
  beforeId?: number | undefined;
  limit: number;
}

export interface RetentionLimits {
  eventsMaxRows: number;
  eventsMaxAgeMs: number;
  datagramsMaxRows: number;
  datagramsMaxAgeMs: number;
  statsMaxAgeMs: number;
}

/** Ids per `IN (...)` list, well under SQLite's bound-parameter limit. */
const SQL_IN_CHUNK = 500;

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => '\\' + c);

export class EventRepo {
  private readonly insertEvent;
  private readonly insertDatagram;

  constructor(private readonly db: Db) {
    this.insertEvent = db.prepare(
      'INSERT INTO events (id, time, topic, type, code, tunnel, peer, text, json, engine_run) VALUES (@id, @time, @topic, @type, @code, @tunnel, @peer, @text, @json, @engine_run)',
    );
    this.insertDatagram = db.prepare(
      `INSERT INTO datagrams (time, direction, local_address, local_port, remote_address, remote_port, marker, bytes,
        ike_sa_id, tunnel, exchange, message_id, response, error_codes, brief, engine_run, engine_datagram_id)
       VALUES (@time, @direction, @local_address, @local_port, @remote_address, @remote_port, @marker, @bytes,
        @ike_sa_id, @tunnel, @exchange, @message_id, @response, @error_codes, @brief, @engine_run, @engine_datagram_id)`,
    );
  }

  /** Writes a batch in one transaction; returns the ids given to the datagrams. */
  writeBatch(events: readonly EventRow[], datagrams: readonly DatagramInput[]): number[] {
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const e of events) this.insertEvent.run(e);
      for (const d of datagrams) ids.push(Number(this.insertDatagram.run(d).lastInsertRowid));
    })();
    return ids;
  }

  maxEventId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM events').get() as { id: number }).id;
  }

  minEventId(): number | undefined {
    return (this.db.prepare('SELECT min(id) AS id FROM events').get() as { id: number | null }).id ?? undefined;
  }

  maxDatagramId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM datagrams').get() as { id: number }).id;
  }

  /** Events with id > afterId, oldest first (stream replay). */
  readAfter(afterId: number, limit: number): Array<Pick<EventRow, 'id' | 'topic' | 'type' | 'code' | 'tunnel' | 'peer' | 'json'>> {
    return this.db
      .prepare('SELECT id, topic, type, code, tunnel, peer, json FROM events WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId, limit) as EventRow[];
  }

  queryEvents(f: EventFilter): StoredEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      args.push(value);
    };
    if (f.topic !== undefined) add('topic = ?', f.topic);
    if (f.codes !== undefined && f.codes.length > 0) {
      where.push(`code IN (${f.codes.map(() => '?').join(',')})`);
      args.push(...f.codes);
    }
    if (f.tunnel !== undefined) add('tunnel = ?', f.tunnel);
    if (f.peer !== undefined) add('peer = ?', f.peer);
    if (f.from !== undefined) add('time >= ?', f.from);
    if (f.to !== undefined) add('time <= ?', f.to);
    if (f.q !== undefined && f.q !== '') add("text LIKE ? ESCAPE '\\'", `%${likeEscape(f.q)}%`);
    if (f.beforeId !== undefined) add('id < ?', f.beforeId);
    const sql = `SELECT json FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as Array<{ json: string }>).map((r) => JSON.parse(r.json) as StoredEvent);
  }

  codeCounts(): Array<{ code: string; count: number }> {
    return this.db
      .prepare('SELECT code, count(*) AS count FROM events WHERE code IS NOT NULL GROUP BY code ORDER BY count DESC')
      .all() as Array<{ code: string; count: number }>;
  }

  queryDatagrams(f: DatagramFilter): DatagramRow[] {
    const { where, args } = datagramWhere(f);
    const sql = `SELECT * FROM datagrams ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, f.limit) as DatagramRow[];
  }

  /** Stored event id -> the engine run that emitted it, for the ids that have one. */
  eventEngineRuns(eventIds: readonly number[]): Map<number, string> {
    const out = new Map<number, string>();
    for (let i = 0; i < eventIds.length; i += SQL_IN_CHUNK) {
      const chunk = eventIds.slice(i, i + SQL_IN_CHUNK);
      const rows = this.db
        .prepare(`SELECT id, engine_run FROM events WHERE engine_run IS NOT NULL AND id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as Array<{ id: number; engine_run: string }>;
      for (const row of rows) out.set(row.id, row.engine_run);
    }
    return out;
  }

  /** Engine datagram id -> stored datagram id, for the ids of that engine run still stored. */
  datagramIdsOfEngineRun(engineRun: string, engineIds: readonly number[]): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < engineIds.length; i += SQL_IN_CHUNK) {
      const chunk = engineIds.slice(i, i + SQL_IN_CHUNK);
      const rows = this.db
        .prepare(`SELECT id, engine_datagram_id FROM datagrams WHERE engine_run = ? AND engine_datagram_id IN (${chunk.map(() => '?').join(',')})`)
        .all(engineRun, ...chunk) as Array<{ id: number; engine_datagram_id: number }>;
      for (const row of rows) out.set(row.engine_datagram_id, row.id);
    }
    return out;
  }

  datagram(id: number): DatagramRow | undefined {
    return this.db.prepare('SELECT * FROM datagrams WHERE id = ?').get(id) as DatagramRow | undefined;
  }

  insertStatsSample(time: number, counters: IkeStatCounters): void {
    this.db.prepare('INSERT OR REPLACE INTO stats_history (time, json) VALUES (?, ?)').run(time, JSON.stringify(counters));
  }

  statsRange(from: number, to: number, limit: number): Array<{ time: number; counters: IkeStatCounters }> {
    const rows = this.db
      .prepare('SELECT time, json FROM stats_history WHERE time >= ? AND time <= ? ORDER BY time DESC LIMIT ?')
      .all(from, to, limit) as Array<{ time: number; json: string }>;
    return rows.reverse().map((r) => ({ time: r.time, counters: JSON.parse(r.json) as IkeStatCounters }));
  }

  /** Deletes what falls outside the limits. Returns how many rows went. */
  prune(limits: RetentionLimits, now: number): { events: number; datagrams: number; stats: number } {
    let events = 0;
    let datagrams = 0;
    let stats = 0;
    this.db.transaction(() => {
      const maxE = this.maxEventId();
      events += this.db.prepare('DELETE FROM events WHERE id <= ? OR time < ?').run(maxE - limits.eventsMaxRows, now - limits.eventsMaxAgeMs).changes;
      const maxD = this.maxDatagramId();
      datagrams += this.db
        .prepare('DELETE FROM datagrams WHERE id <= ? OR time < ?')
        .run(maxD - limits.datagramsMaxRows, now - limits.datagramsMaxAgeMs).changes;
      stats += this.db.prepare('DELETE FROM stats_history WHERE time < ?').run(now - limits.statsMaxAgeMs).changes;
    })();
    return { events, datagrams, stats };
  }
}

function datagramWhere(f: Omit<DatagramFilter, 'limit'>): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    args.push(value);
  };
  if (f.from !== undefined) add('time >= ?', f.from);
  if (f.to !== undefined) add('time <= ?', f.to);
  if (f.tunnel !== undefined) add('tunnel = ?', f.tunnel);
  if (f.peer !== undefined) add('remote_address = ?', f.peer);
  if (f.exchange !== undefined) add('exchange = ?', f.exchange);
  if (f.code !== undefined) add("error_codes LIKE ? ESCAPE '\\'", `%,${likeEscape(f.code)},%`);
  if (f.q !== undefined && f.q !== '') add("brief LIKE ? ESCAPE '\\'", `%${likeEscape(f.q)}%`);
  if (f.beforeId !== undefined) add('id < ?', f.beforeId);
  return { where, args };
}
