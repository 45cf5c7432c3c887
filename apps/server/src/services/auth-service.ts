/**
 * Users, sessions, API tokens and the first-start setup.
 *
 *   empty store --start--> setup token printed once (single use)
 *        |  POST /auth/setup {token, username, password}
 *        v
 *   first admin + session --> admins create users and tokens
 *
 * Sessions are random ids in an httpOnly cookie; tokens are `tsk_...` Bearer
 * credentials. Only SHA-256 of either is stored; passwords are scrypt hashes.
 */
import type { Principal, UserRole, TokenCreated, TokenInfo, User } from '../contract.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { UserRecord } from '../store/auth-repo.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, newApiToken, newOpaqueSecret, sha256Hex, verifyPassword } from './credentials.ts';

export interface AuthOptions {
  sessionTtlMs: number;
  now?: () => number;
}

const MAX_FAILURES = 5;
const LOCKOUT_MS = 60_000;

const publicUser = (u: UserRecord): User => ({ id: u.id, username: u.username, role: u.role, createdAt: u.createdAt, disabled: u.disabled });

export class AuthService {
  private readonly now: () => number;
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly options: AuthOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  needsSetup(): boolean {
    return this.store.auth.countUsers() === 0;
  }

  /** A new single-use setup token (only while no user exists). The caller prints it once. */
  createSetupToken(): string {
    const token = newOpaqueSecret();
    this.store.auth.insertSetupToken(sha256Hex(token), this.now());
    return token;
  }

  async setup(token: string, username: string, password: string, ip: string | null): Promise<{ user: User; sessionId: string }> {
    const passwordHash = await hashPassword(password);
    const now = this.now();
    const user = this.store.auth.transaction(() => {
      if (this.store.auth.countUsers() > 0) throw new ApiError('setup_unavailable', 'setup is already complete; log in instead');
      if (!this.store.auth.consumeSetupToken(sha256Hex(token), now)) {
        throw new ApiError('setup_unavailable', 'the setup token is invalid or was used already');
      }
      const created = this.store.auth.insertUser(username, passwordHash, 'admin', now);
      this.store.auth.retireSetupTokens(now);
      return created;
    });
    this.audit.record({ kind: 'setup', name: user.username, ip }, 'setup.complete', `user:${user.username}`, { role: 'admin' });
    return { user: publicUser(user), sessionId: this.newSession(user.id) };
  }

  async login(username: string, password: string, ip: string | null): Promise<{ user: User; sessionId: string }> {
    const key = `${username.toLowerCase()}|${ip ?? ''}`;
    const now = this.now();
    const failure = this.failures.get(key);
    if (failure && failure.count >= MAX_FAILURES && failure.until > now) {
      throw new ApiError('rate_limited', 'too many failed logins; try again in a minute');
    }
    const user = this.store.auth.userByName(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok || user.disabled) {
      const count = (failure && failure.until > now ? failure.count : 0) + 1;
      this.failures.set(key, { count, until: now + LOCKOUT_MS });
      if (this.failures.size > 10_000) this.failures.clear();
      throw new ApiError('invalid_credentials', 'wrong username or password');
    }
    this.failures.delete(key);
    this.audit.record({ kind: 'user', id: user.id, name: user.username, role: user.role, ip }, 'auth.login', `user:${user.username}`);
    return { user: publicUser(user), sessionId: this.newSession(user.id) };
  }

  logout(sessionId: string): void {
    this.store.auth.deleteSession(sha256Hex(sessionId));
  }

  principalForSession(sessionId: string): Principal | undefined {
    const user = this.store.auth.sessionUser(sha256Hex(sessionId), this.now());
    return user && { kind: 'user', id: user.id, name: user.username, role: user.role };
  }

  principalForToken(token: string): Principal | undefined {
    const now = this.now();
    const info = this.store.auth.tokenByHash(sha256Hex(token), now);
    if (!info) return undefined;
    if (info.lastUsedAt === null || now - info.lastUsedAt > 60_000) this.store.auth.touchToken(info.id, now);
    return { kind: 'token', id: info.id, name: `token:${info.name}`, role: info.role };
  }

  listUsers(): User[] {
    return this.store.auth.listUsers().map(publicUser);
  }

  async createUser(actor: Actor, username: string, password: string, role: UserRole): Promise<User> {
    if (this.store.auth.userByName(username)) throw conflict(`user ${username} exists`);
    const user = this.store.auth.insertUser(username, await hashPassword(password), role, this.now());
    this.audit.record(actor, 'user.create', `user:${username}`, { role });
    return publicUser(user);
  }

  async updateUser(actor: Actor, id: number, change: { role?: UserRole | undefined; password?: string | undefined; disabled?: boolean | undefined }): Promise<User> {
    const user = this.store.auth.userById(id);
    if (!user) throw notFound(`user ${id}`);
    const demotes = (change.role !== undefined && change.role !== 'admin') || change.disabled === true;
    if (user.role === 'admin' && demotes && this.store.auth.countAdmins() <= 1) {
      throw conflict('this is the last admin; create another admin first');
    }
    const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
    this.store.auth.updateUser(id, {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    });
    this.audit.record(actor, 'user.update', `user:${user.username}`, {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.password !== undefined ? { password: 'changed' } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    });
    return publicUser(this.store.auth.userById(id)!);
  }

  deleteUser(actor: Actor, id: number): void {
    const user = this.store.auth.userById(id);
    if (!user) throw notFound(`user ${id}`);
    if (user.role === 'admin' && !user.disabled && this.store.auth.countAdmins() <= 1) throw conflict('this is the last admin');
    this.store.auth.deleteUser(id);
    this.audit.record(actor, 'user.delete', `user:${user.username}`);
  }

  async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    if (actor.kind !== 'user') throw new ApiError('forbidden', 'API tokens have no password');
    const user = this.store.auth.userById(actor.id);
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) throw new ApiError('invalid_credentials', 'current password is wrong');
    this.store.auth.updateUser(user.id, { passwordHash: await hashPassword(newPassword) });
    this.audit.record(actor, 'user.password', `user:${user.username}`);
  }

  listTokens(): TokenInfo[] {
    return this.store.auth.listTokens();
  }

  createToken(actor: Actor | { kind: 'system'; name: string; ip: null }, name: string, role: UserRole, expiresInDays?: number): TokenCreated {
    const token = newApiToken();
    const now = this.now();
    const info = this.store.auth.insertToken({
      name,
      tokenHash: sha256Hex(token),
      role,
      createdBy: actor.name,
      now,
      expiresAt: expiresInDays === undefined ? null : now + expiresInDays * 86_400_000,
    });
    this.audit.record(actor, 'token.create', `token:${name}`, { id: info.id, role });
    return { ...info, token };
  }

  revokeToken(actor: Actor, id: number): void {
    if (!this.store.auth.revokeToken(id)) throw notFound(`token ${id}`);
    this.audit.record(actor, 'token.revoke', `token:${id}`);
  }

  private newSession(userId: number): string {
    const sessionId = newOpaqueSecret();
    const now = this.now();
    this.store.auth.pruneSessions(now);
    this.store.auth.insertSession(sha256Hex(sessionId), userId, now, now + this.options.sessionTtlMs);
    return sessionId;
  }
}
