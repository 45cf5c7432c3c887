/**
 * The SQLite file: one database, WAL mode, schema migrations by
 * `PRAGMA user_version`. Every write the API acknowledges has been committed
 * (WAL, synchronous=NORMAL: a process kill loses nothing committed; a power
 * loss may lose the last transactions, never corrupts the file).
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Schema steps in order; `user_version` counts the ones applied. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at INTEGER,
    expires_at INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE setup_tokens (token_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL, used_at INTEGER);
  CREATE TABLE config_versions (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    author TEXT NOT NULL,
    comment TEXT NOT NULL,
    source TEXT NOT NULL,
    redacted_json TEXT NOT NULL,
    sealed BLOB NOT NULL
  );
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    ip TEXT
  );
  CREATE INDEX audit_action ON audit(action);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    topic TEXT NOT NULL,
    type TEXT NOT NULL,
    code TEXT,
    tunnel TEXT,
    peer TEXT,
    text TEXT,
    json TEXT NOT NULL
  );
  CREATE INDEX events_time ON events(time);
  CREATE INDEX events_code ON events(code, id) WHERE code IS NOT NULL;
  CREATE INDEX events_topic ON events(topic, id);
  CREATE TABLE datagrams (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    direction TEXT NOT NULL,
    local_address TEXT NOT NULL,
    local_port INTEGER NOT NULL,
    remote_address TEXT NOT NULL,
    remote_port INTEGER NOT NULL,
    marker INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    ike_sa_id TEXT,
    tunnel TEXT,
    exchange TEXT,
    message_id INTEGER,
    response INTEGER,
    error_codes TEXT NOT NULL,
    brief TEXT NOT NULL
  );
  CREATE INDEX datagrams_time ON datagrams(time);
  CREATE INDEX datagrams_remote ON datagrams(remote_address, id);
  CREATE TABLE stats_history (time INTEGER PRIMARY KEY, json TEXT NOT NULL);
  CREATE TABLE key_captures (
    tunnel TEXT PRIMARY KEY,
    enabled_by TEXT NOT NULL,
    since INTEGER NOT NULL,
    until INTEGER NOT NULL
  );
  CREATE TABLE session_keys (
    id INTEGER PRIMARY KEY,
    tunnel TEXT NOT NULL,
    spi TEXT NOT NULL,
    captured_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    UNIQUE (tunnel, spi)
  );
  `,
  // Engine datagram ids restart with every engine instance: events cite (engine_run, engine_datagram_id).
  `
  ALTER TABLE datagrams ADD COLUMN engine_run TEXT;
  ALTER TABLE datagrams ADD COLUMN engine_datagram_id INTEGER;
  CREATE INDEX datagrams_engine ON datagrams(engine_run, engine_datagram_id);
  ALTER TABLE events ADD COLUMN engine_run TEXT;
  `,
];

export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this server (${MIGRATIONS.length}); refusing to open it`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
