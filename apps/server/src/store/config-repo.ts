/**
 * Config versions: every accepted config is a new row. The redacted JSON is
 * kept in clear for viewing and comparing; the full config (with secrets) is
 * sealed with the data dir's key.
 */
import type { ConfigVersionInfo } from '../contract.ts';
import type { Db } from './database.ts';
import type { SecretBox } from './secret-box.ts';

interface VersionRow {
  id: number;
  created_at: number;
  author: string;
  comment: string;
  source: ConfigVersionInfo['source'];
  redacted_json: string;
  sealed: Buffer;
}

const toInfo = (r: Pick<VersionRow, 'id' | 'created_at' | 'author' | 'comment' | 'source'>): ConfigVersionInfo => ({
  id: r.id,
  createdAt: r.created_at,
  author: r.author,
  comment: r.comment,
  source: r.source,
});

export interface StoredConfigVersion {
  info: ConfigVersionInfo;
  redacted: Record<string, unknown>;
}

export class ConfigRepo {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  insert(v: {
    full: Record<string, unknown>;
    redacted: Record<string, unknown>;
    author: string;
    comment: string;
    source: ConfigVersionInfo['source'];
    now: number;
  }): ConfigVersionInfo {
    const tx = this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO config_versions (created_at, author, comment, source, redacted_json, sealed) VALUES (?, ?, ?, ?, ?, ?)')
        .run(v.now, v.author, v.comment, v.source, JSON.stringify(v.redacted), Buffer.alloc(0));
      const id = Number(info.lastInsertRowid);
      this.db.prepare('UPDATE config_versions SET sealed = ? WHERE id = ?').run(this.box.seal(JSON.stringify(v.full), `config:${id}`), id);
      return id;
    });
    return this.info(tx())!;
  }

  latestId(): number | undefined {
    const row = this.db.prepare('SELECT max(id) AS id FROM config_versions').get() as { id: number | null };
    return row.id ?? undefined;
  }

  info(id: number): ConfigVersionInfo | undefined {
    const row = this.db.prepare('SELECT id, created_at, author, comment, source FROM config_versions WHERE id = ?').get(id) as VersionRow | undefined;
    return row && toInfo(row);
  }

  redacted(id: number): StoredConfigVersion | undefined {
    const row = this.db.prepare('SELECT * FROM config_versions WHERE id = ?').get(id) as VersionRow | undefined;
    return row && { info: toInfo(row), redacted: JSON.parse(row.redacted_json) as Record<string, unknown> };
  }

  full(id: number): Record<string, unknown> | undefined {
    const row = this.db.prepare('SELECT sealed FROM config_versions WHERE id = ?').get(id) as { sealed: Buffer } | undefined;
    return row && (JSON.parse(this.box.open(row.sealed, `config:${id}`)) as Record<string, unknown>);
  }

  list(limit: number, offset: number): { items: ConfigVersionInfo[]; total: number } {
    const rows = this.db
      .prepare('SELECT id, created_at, author, comment, source FROM config_versions ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as VersionRow[];
    const total = (this.db.prepare('SELECT count(*) AS n FROM config_versions').get() as { n: number }).n;
    return { items: rows.map(toInfo), total };
  }
}
