/** The audit log: append-only. */
import type { AuditEntry } from '../contract.ts';
import type { Db } from './database.ts';

interface AuditRow {
  id: number;
  time: number;
  actor: string;
  actor_kind: AuditEntry['actorKind'];
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

export type AuditInput = Omit<AuditEntry, 'id'>;

export class AuditRepo {
  constructor(private readonly db: Db) {}

  append(e: AuditInput): number {
    const info = this.db
      .prepare('INSERT INTO audit (time, actor, actor_kind, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.time, e.actor, e.actorKind, e.action, e.target, e.detail === null ? null : JSON.stringify(e.detail), e.ip);
    return Number(info.lastInsertRowid);
  }

  query(q: { action?: string | undefined; actor?: string | undefined; beforeId?: number | undefined; limit: number }): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.action !== undefined) {
      where.push('action = ?');
      args.push(q.action);
    }
    if (q.actor !== undefined) {
      where.push('actor = ?');
      args.push(q.actor);
    }
    if (q.beforeId !== undefined) {
      where.push('id < ?');
      args.push(q.beforeId);
    }
    const sql = `SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit) as AuditRow[];
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      actor: r.actor,
      actorKind: r.actor_kind,
      action: r.action,
      target: r.target,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
      ip: r.ip,
    }));
  }
}
