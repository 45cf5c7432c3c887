/** Records who changed what. Details never carry secrets: callers pass redacted summaries only. */
import type { AuditEntry } from '../contract.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './actor.ts';

export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  record(actor: Actor | { kind: 'system' | 'setup'; name: string; ip: string | null }, action: string, target: string | null, detail?: Record<string, unknown>): void {
    const actorKind: AuditEntry['actorKind'] = actor.kind;
    this.store.audit.append({ time: this.now(), actor: actor.name, actorKind, action, target, detail: detail ?? null, ip: actor.ip });
  }
}
