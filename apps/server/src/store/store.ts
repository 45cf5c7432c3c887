/**
 * The server's persistent state in one SQLite file (`<data-dir>/tunnelscope.db`)
 * plus the at-rest key (`<data-dir>/secret.key`). `:memory:` keeps everything
 * in memory (tests that do not restart).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AuditRepo } from './audit-repo.ts';
import { AuthRepo } from './auth-repo.ts';
import { ConfigRepo } from './config-repo.ts';
import { openDatabase, type Db } from './database.ts';
import { EventRepo } from './event-repo.ts';
import { SecretBox } from './secret-box.ts';
import { SettingsRepo } from './settings-repo.ts';

export const DATABASE_FILE = 'tunnelscope.db';
export const KEY_FILE = 'secret.key';

export class Store {
  readonly auth: AuthRepo;
  readonly config: ConfigRepo;
  readonly audit: AuditRepo;
  readonly events: EventRepo;
  readonly settings: SettingsRepo;

  private constructor(
    readonly db: Db,
    readonly location: string,
    box: SecretBox,
  ) {
    this.auth = new AuthRepo(db);
    this.config = new ConfigRepo(db, box);
    this.audit = new AuditRepo(db);
    this.events = new EventRepo(db);
    this.settings = new SettingsRepo(db, box);
  }

  /** Opens (creating if needed) the store in `dataDir`, or in memory for ':memory:'. */
  static open(dataDir: string): Store {
    if (dataDir === ':memory:') return new Store(openDatabase(':memory:'), ':memory:', SecretBox.ephemeral());
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const box = SecretBox.fromKeyFile(path.join(dataDir, KEY_FILE));
    const file = path.join(dataDir, DATABASE_FILE);
    return new Store(openDatabase(file), file, box);
  }

  healthy(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
