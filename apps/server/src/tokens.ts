/**
 * API tokens from the shell (`pnpm tunnelscope token create --role ...`):
 * creates a token directly in a data dir's store, audited as made by the
 * CLI. Safe while the server runs (SQLite WAL; the server sees it at once).
 */
import type { TokenCreated, UserRole } from './contract.ts';
import { AuditLog } from './services/audit-log.ts';
import { AuthService } from './services/auth-service.ts';
import { Store } from './store/store.ts';

export interface CreateTokenOptions {
  dataDir: string;
  role: UserRole;
  name?: string;
  expiresInDays?: number;
}

export function createApiToken(options: CreateTokenOptions): TokenCreated {
  const store = Store.open(options.dataDir);
  try {
    const auth = new AuthService(store, new AuditLog(store), { sessionTtlMs: 0 });
    const name = options.name ?? `cli-${options.role}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
    return auth.createToken({ kind: 'system', name: 'cli', ip: null }, name, options.role, options.expiresInDays);
  } finally {
    store.close();
  }
}
