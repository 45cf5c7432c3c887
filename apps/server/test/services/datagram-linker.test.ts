/**
 * Exact linking of the engine datagram ids an event cites to the datagrams
 * the server stored: engine ids restart with every engine instance, so two
 * runs share ids and only the run the event came from decides. Also: a
 * database from before the engine-id columns opens and gets them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/contract.ts';
import type { GatewayDatagram } from '../../src/plugins/app/gateway-port.ts';
import { DatagramLinker } from '../../src/services/diagnosis-events.ts';
import { EventRecorder } from '../../src/services/event-recorder.ts';
import { SecretGuard } from '../../src/services/secret-guard.ts';
import { MIGRATIONS, openDatabase } from '../../src/store/database.ts';
import { Store } from '../../src/store/store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PEER = { address: '192.0.2.7', port: 500 };
const LOCAL = { address: '192.0.2.1', port: 500 };

function datagram(engineRun: string, engineDatagramId: number, direction: 'in' | 'out', exchange: string, time: number): GatewayDatagram {
  return {
    time,
    direction,
    local: LOCAL,
    remote: PEER,
    marker: false,
    bytes: new Uint8Array([engineDatagramId]),
    ikeSaId: `sa-${engineRun}`,
    exchange,
    response: direction === 'out',
    errorCodes: [],
    brief: `${direction} ${exchange} #${engineDatagramId}`,
    engineRun,
    engineDatagramId,
  };
}

function citingEvent(recorder: EventRecorder, engineRun: string | undefined, time: number, datagramIds: number[]): StoredEvent {
  const event = { type: 'log.event', code: 'incorrect_psk', evidence: { datagramIds } };
  const id = recorder.ingestEvent({ topic: 'log', type: 'log.event', time, code: 'incorrect_psk', peer: PEER.address, event, engineRun });
  return { id, time, topic: 'log', type: 'log.event', code: 'incorrect_psk', tunnel: null, peer: PEER.address, text: null, event };
}

describe('DatagramLinker', () => {
  it('links cited engine ids within the citing event’s engine run only', () => {
    const store = Store.open(':memory:');
    const recorder = new EventRecorder(store, new SecretGuard());
    // Run A: engine ids 1..3; then the engine restarts and run B reuses 1..3, newer and for the same peer.
    recorder.ingestDatagram(datagram('run-a', 1, 'in', 'IKE_SA_INIT', 1_000));
    recorder.ingestDatagram(datagram('run-a', 2, 'out', 'IKE_SA_INIT', 1_001));
    recorder.ingestDatagram(datagram('run-a', 3, 'in', 'IKE_AUTH', 1_002));
    const fromA = citingEvent(recorder, 'run-a', 1_003, [1, 3]);
    recorder.ingestDatagram(datagram('run-b', 1, 'out', 'IKE_SA_INIT', 2_000));
    recorder.ingestDatagram(datagram('run-b', 2, 'in', 'IKE_SA_INIT', 2_001));
    recorder.ingestDatagram(datagram('run-b', 3, 'out', 'IKE_AUTH', 2_002));
    const fromB = citingEvent(recorder, 'run-b', 2_003, [2, 3, 9]);
    const serverEvent = citingEvent(recorder, undefined, 2_004, [1]);

    const linker = new DatagramLinker(store, recorder);
    const [a, b, none, empty, missing] = linker.linkMany([
      { event: fromA, engineIds: [3, 1, 1] },
      { event: fromB, engineIds: [2, 3, 9] },
      { event: serverEvent, engineIds: [1] },
      { event: fromA, engineIds: [] },
      { event: undefined, engineIds: [1, 2] },
    ]);
    const row = (id: number) => store.events.datagram(id)!;
    expect(a!.ids.map((id) => [row(id).engine_run, row(id).engine_datagram_id, row(id).direction, row(id).exchange])).toEqual([
      ['run-a', 1, 'in', 'IKE_SA_INIT'],
      ['run-a', 3, 'in', 'IKE_AUTH'],
    ]);
    expect(a!.unlinked).toBe(0);
    // Engine id 9 was never stored: left out, not guessed.
    expect(b!.ids.map((id) => [row(id).engine_run, row(id).engine_datagram_id, row(id).direction, row(id).exchange])).toEqual([
      ['run-b', 2, 'in', 'IKE_SA_INIT'],
      ['run-b', 3, 'out', 'IKE_AUTH'],
    ]);
    expect(b!.unlinked).toBe(1);
    expect(none).toEqual({ ids: [], unlinked: 1 });
    expect(empty).toEqual({ ids: [], unlinked: 0 });
    expect(missing).toEqual({ ids: [], unlinked: 2 });
    store.close();
  });
});

describe('schema migration', () => {
  it('opens a database from before the engine-id columns and adds them, keeping its rows', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tunnelscope-migrate-'));
    dirs.push(dir);
    const file = path.join(dir, 'tunnelscope.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare(
      `INSERT INTO datagrams (time, direction, local_address, local_port, remote_address, remote_port, marker, bytes, error_codes, brief)
       VALUES (1, 'in', '192.0.2.1', 500, '192.0.2.7', 500, 0, x'00', ',,', 'old')`,
    ).run();
    old.prepare(`INSERT INTO events (id, time, topic, type, json) VALUES (1, 1, 'log', 'log.event', '{}')`).run();
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns('datagrams')).toEqual(expect.arrayContaining(['engine_run', 'engine_datagram_id']));
    expect(columns('events')).toContain('engine_run');
    const index = db.prepare(`PRAGMA index_info(datagrams_engine)`).all() as Array<{ name: string }>;
    expect(index.map((c) => c.name)).toEqual(['engine_run', 'engine_datagram_id']);
    expect(db.prepare('SELECT brief, engine_run, engine_datagram_id FROM datagrams').get()).toEqual({ brief: 'old', engine_run: null, engine_datagram_id: null });
    expect(db.prepare('SELECT engine_run FROM events').get()).toEqual({ engine_run: null });
    db.close();
  });
});
