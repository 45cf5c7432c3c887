/** Small keyed settings (JSON), key-capture windows and sealed session keys. */
import type { Db } from './database.ts';
import type { SecretBox } from './secret-box.ts';

export interface KeyCaptureRow {
  tunnel: string;
  enabledBy: string;
  since: number;
  until: number;
}

export class SettingsRepo {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  get<T>(key: string): T | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row && (JSON.parse(row.value) as T);
  }

  set(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  upsertKeyCapture(c: KeyCaptureRow): void {
    this.db
      .prepare(
        'INSERT INTO key_captures (tunnel, enabled_by, since, until) VALUES (?, ?, ?, ?) ON CONFLICT(tunnel) DO UPDATE SET enabled_by = excluded.enabled_by, since = excluded.since, until = excluded.until',
      )
      .run(c.tunnel, c.enabledBy, c.since, c.until);
  }

  keyCaptures(): KeyCaptureRow[] {
    return (this.db.prepare('SELECT tunnel, enabled_by, since, until FROM key_captures ORDER BY tunnel').all() as Array<{
      tunnel: string;
      enabled_by: string;
      since: number;
      until: number;
    }>).map((r) => ({ tunnel: r.tunnel, enabledBy: r.enabled_by, since: r.since, until: r.until }));
  }

  deleteKeyCapture(tunnel: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM session_keys WHERE tunnel = ?').run(tunnel);
      return this.db.prepare('DELETE FROM key_captures WHERE tunnel = ?').run(tunnel).changes > 0;
    })();
  }

  storeSessionKey(tunnel: string, spi: string, plaintext: string, now: number, expiresAt: number): void {
    const sealed = this.box.seal(plaintext, `session-key:${tunnel}:${spi}`);
    this.db
      .prepare(
        'INSERT INTO session_keys (tunnel, spi, captured_at, expires_at, sealed) VALUES (?, ?, ?, ?, ?) ON CONFLICT(tunnel, spi) DO UPDATE SET sealed = excluded.sealed, expires_at = excluded.expires_at',
      )
      .run(tunnel, spi, now, expiresAt, sealed);
  }

  sessionKeys(tunnel: string, now: number): string[] {
    const rows = this.db
      .prepare('SELECT spi, sealed FROM session_keys WHERE tunnel = ? AND expires_at > ? ORDER BY id')
      .all(tunnel, now) as Array<{ spi: string; sealed: Buffer }>;
    return rows.map((r) => this.box.open(r.sealed, `session-key:${tunnel}:${r.spi}`));
  }

  countSessionKeys(tunnel: string, now: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM session_keys WHERE tunnel = ? AND expires_at > ?').get(tunnel, now) as { n: number }).n;
  }

  /** Deletes expired capture windows and their keys. */
  expireKeyCaptures(now: number): string[] {
    const expired = (this.db.prepare('SELECT tunnel FROM key_captures WHERE until <= ?').all(now) as Array<{ tunnel: string }>).map((r) => r.tunnel);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM session_keys WHERE expires_at <= ?').run(now);
      for (const t of expired) {
        this.db.prepare('DELETE FROM session_keys WHERE tunnel = ?').run(t);
        this.db.prepare('DELETE FROM key_captures WHERE tunnel = ?').run(t);
      }
    })();
    return expired;
  }
}
