/** Users, API tokens, sessions and setup tokens. Only hashes of credentials are stored. */
import type { UserRole, TokenInfo, User } from '../contract.ts';
import type { Db } from './database.ts';

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: UserRole;
  created_at: number;
  disabled: number;
}

interface TokenRow {
  id: number;
  name: string;
  token_hash: string;
  role: UserRole;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  expires_at: number | null;
  revoked: number;
}

export interface UserRecord extends User {
  passwordHash: string;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  role: r.role,
  createdAt: r.created_at,
  disabled: r.disabled !== 0,
  passwordHash: r.password_hash,
});

const toToken = (r: TokenRow): TokenInfo => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
});

export class AuthRepo {
  constructor(private readonly db: Db) {}

  countUsers(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  listUsers(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(toUser);
  }

  userById(id: number): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  userByName(username: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  /** Throws `UNIQUE` constraint errors for a taken name; callers map them. */
  insertUser(username: string, passwordHash: string, role: UserRole, now: number): UserRecord {
    const info = this.db
      .prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)')
      .run(username, passwordHash, role, now);
    return this.userById(Number(info.lastInsertRowid))!;
  }

  updateUser(id: number, change: { role?: UserRole; passwordHash?: string; disabled?: boolean }): void {
    const tx = this.db.transaction(() => {
      if (change.role !== undefined) this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(change.role, id);
      if (change.passwordHash !== undefined) {
        this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(change.passwordHash, id);
      }
      if (change.disabled !== undefined) this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(change.disabled ? 1 : 0, id);
      // Any change of role, password or status ends the user's sessions.
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    });
    tx();
  }

  deleteUser(id: number): boolean {
    return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }

  countAdmins(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
  }

  insertToken(t: { name: string; tokenHash: string; role: UserRole; createdBy: string; now: number; expiresAt: number | null }): TokenInfo {
    const info = this.db
      .prepare('INSERT INTO tokens (name, token_hash, role, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(t.name, t.tokenHash, t.role, t.now, t.createdBy, t.expiresAt);
    return toToken(this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(Number(info.lastInsertRowid)) as TokenRow);
  }

  listTokens(): TokenInfo[] {
    return (this.db.prepare('SELECT * FROM tokens WHERE revoked = 0 ORDER BY id').all() as TokenRow[]).map(toToken);
  }

  tokenByHash(hash: string, now: number): TokenInfo | undefined {
    const row = this.db
      .prepare('SELECT * FROM tokens WHERE token_hash = ? AND revoked = 0 AND (expires_at IS NULL OR expires_at > ?)')
      .get(hash, now) as TokenRow | undefined;
    return row && toToken(row);
  }

  touchToken(id: number, now: number): void {
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now, id);
  }

  revokeToken(id: number): boolean {
    return this.db.prepare('UPDATE tokens SET revoked = 1 WHERE id = ? AND revoked = 0').run(id).changes > 0;
  }

  insertSession(idHash: string, userId: number, now: number, expiresAt: number): void {
    this.db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(idHash, userId, now, expiresAt);
  }

  sessionUser(idHash: string, now: number): UserRecord | undefined {
    const row = this.db
      .prepare('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0')
      .get(idHash, now) as UserRow | undefined;
    return row && toUser(row);
  }

  deleteSession(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  pruneSessions(now: number): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
  }

  insertSetupToken(hash: string, now: number): void {
    this.db.prepare('INSERT INTO setup_tokens (token_hash, created_at) VALUES (?, ?)').run(hash, now);
  }

  /** Marks the setup token used; false when it does not exist or was used already. Single use, atomically. */
  consumeSetupToken(hash: string, now: number): boolean {
    return this.db.prepare('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(now, hash).changes === 1;
  }

  /** Makes every unused setup token unusable (an admin exists now). */
  retireSetupTokens(now: number): void {
    this.db.prepare('UPDATE setup_tokens SET used_at = ? WHERE used_at IS NULL').run(now);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
