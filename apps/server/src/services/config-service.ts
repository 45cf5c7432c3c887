/**
 * Config read / validate / replace / versions / rollback. Every accepted
 * config is a version in the store; a refused one changes nothing (not the
 * engine, not the store). Secrets never leave: reads are redacted, a
 * redacted placeholder sent back keeps the stored secret, and the secret
 * guard learns the current secret values after every change.
 *
 *   candidate --mergeSecrets--> validate --(errors)--> 400 config_invalid, nothing saved
 *                                  | ok
 *                                  v
 *                         engine.applyConfig --(throws)--> 502, nothing saved
 *                                  | ok
 *                                  v
 *                         store version N+1, audit, `config.changed` event
 */
import { createHash } from 'node:crypto';
import type { ConfigChange, ConfigReadResponse, ConfigValidateResponse, ConfigVersionInfo } from '../contract.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import type { GatewayConfig, GatewayPort } from '../plugins/app/gateway-port.ts';
import type { Store } from '../store/store.ts';
import { SYSTEM_ACTOR, type Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import { diffConfig } from './config-diff.ts';
import type { EventRecorder } from './event-recorder.ts';
import { collectSecrets, type SecretGuard } from './secret-guard.ts';

const FILE_IMPORT_KEY = 'config_file_sha256';
const fileHash = (config: unknown): string => createHash('sha256').update(JSON.stringify(config)).digest('hex');

export class ConfigService {
  private currentInfo: ConfigVersionInfo | undefined;
  private currentFull: GatewayConfig | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly gateway: GatewayPort,
    private readonly store: Store,
    private readonly guard: SecretGuard,
    private readonly audit: AuditLog,
    private readonly recorder: EventRecorder,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Brings engine and store in line at start: the stored current version is
   * applied; a config file given at start becomes a new version when it is
   * new or was edited since its last import; with neither, the engine's own
   * config is version 1.
   */
  async initialize(fileConfig?: { config: unknown; path: string }): Promise<void> {
    const latest = this.store.config.latestId();
    for (const v of this.store.config.list(1000, 0).items) this.learnSecrets(this.store.config.full(v.id)!);
    if (latest !== undefined) {
      const full = this.store.config.full(latest)!;
      this.currentInfo = this.store.config.info(latest)!;
      this.currentFull = full;
      this.learnSecrets(full);
      const checked = this.gateway.validateConfig(full);
      if (!checked.ok) {
        throw new Error(
          `stored config version ${latest} is not valid for this engine: ` + checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        );
      }
      await this.gateway.applyConfig(checked.config);
    }
    if (fileConfig && this.fileChanged(fileConfig.config)) {
      const checked = this.gateway.validateConfig(fileConfig.config);
      if (!checked.ok) {
        throw new Error(`config file ${fileConfig.path} is not valid: ` + checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      }
      if (JSON.stringify(checked.config) !== JSON.stringify(this.currentFull)) {
        await this.gateway.applyConfig(checked.config);
        this.commit(checked.config, SYSTEM_ACTOR, `loaded from ${fileConfig.path}`, 'file');
      }
      this.store.settings.set(FILE_IMPORT_KEY, fileHash(fileConfig.config));
      return;
    }
    if (latest === undefined) {
      const initial = this.gateway.getConfig();
      await this.gateway.applyConfig(initial);
      this.commit(initial, SYSTEM_ACTOR, 'initial engine config', 'initial');
    }
  }

  /**
   * A config file given at start is imported when it is new or changed since
   * its last import; an unchanged file does not undo changes made since
   * through the API.
   */
  private fileChanged(config: unknown): boolean {
    return this.store.config.latestId() === undefined || this.store.settings.get<string>(FILE_IMPORT_KEY) !== fileHash(config);
  }

  currentVersion(): number {
    return this.currentInfo?.id ?? 0;
  }

  read(): ConfigReadResponse {
    const info = this.requireCurrent();
    return { version: info, config: this.gateway.redactConfig(this.currentFull!) };
  }

  validate(candidate: unknown): ConfigValidateResponse {
    // Not learnt by the guard: a viewer could otherwise make any text "secret" and blank it out.
    const result = this.gateway.validateConfig(this.gateway.mergeSecrets(candidate, this.currentFull ?? {}));
    return result.ok ? { valid: true, errors: [] } : { valid: false, errors: result.errors };
  }

  replace(actor: Actor, candidate: unknown, comment: string | undefined, baseVersion: number | undefined): Promise<ConfigVersionInfo> {
    return this.serialized(async () => {
      if (baseVersion !== undefined && baseVersion !== this.currentVersion()) {
        throw conflict(`config changed since version ${baseVersion}; current is ${this.currentVersion()}`);
      }
      const merged = this.gateway.mergeSecrets(candidate, this.currentFull ?? {});
      this.learnCandidateSecrets(merged);
      const result = this.gateway.validateConfig(merged);
      if (!result.ok) {
        const first = result.errors[0];
        throw new ApiError('config_invalid', first ? `invalid config: ${first.path}: ${first.message}` : 'invalid config', result.errors);
      }
      await this.applyOrFail(result.config);
      return this.commit(result.config, actor, comment ?? '', 'api');
    });
  }

  versions(limit: number, offset: number): { items: ConfigVersionInfo[]; total: number; current: number } {
    return { ...this.store.config.list(limit, offset), current: this.currentVersion() };
  }

  version(id: number): ConfigReadResponse {
    const v = this.store.config.redacted(id);
    if (!v) throw notFound(`config version ${id}`);
    return { version: v.info, config: v.redacted };
  }

  diff(from: number, to: number): ConfigChange[] {
    const a = this.store.config.redacted(from);
    if (!a) throw notFound(`config version ${from}`);
    const b = this.store.config.redacted(to);
    if (!b) throw notFound(`config version ${to}`);
    return diffConfig(a.redacted, b.redacted);
  }

  rollback(actor: Actor, id: number, comment: string | undefined): Promise<ConfigVersionInfo> {
    return this.serialized(async () => {
      const full = this.store.config.full(id);
      if (!full) throw notFound(`config version ${id}`);
      const result = this.gateway.validateConfig(full);
      if (!result.ok) {
        throw new ApiError('config_invalid', `version ${id} is not valid for this engine any more`, result.errors);
      }
      await this.applyOrFail(result.config);
      return this.commit(result.config, actor, comment ?? `rollback to version ${id}`, 'rollback', id);
    });
  }

  private async applyOrFail(config: GatewayConfig): Promise<void> {
    try {
      await this.gateway.applyConfig(config);
    } catch (err) {
      // The engine keeps the previous config; nothing is saved.
      throw new ApiError('gateway_error', 'the engine could not apply the config', undefined, err);
    }
  }

  private commit(full: GatewayConfig, actor: Actor, comment: string, source: ConfigVersionInfo['source'], rollbackOf?: number): ConfigVersionInfo {
    const redacted = this.gateway.redactConfig(full);
    const previous = this.currentInfo?.id;
    const info = this.store.config.insert({ full, redacted, author: actor.name, comment, source, now: this.now() });
    this.currentInfo = info;
    this.currentFull = full;
    this.learnSecrets(full);
    const changedPaths = previous === undefined ? [] : this.diffPaths(previous, info.id);
    this.audit.record(actor, source === 'rollback' ? 'config.rollback' : 'config.replace', `config:${info.id}`, {
      version: info.id,
      previous: previous ?? null,
      ...(rollbackOf !== undefined ? { rollbackOf } : {}),
      changedPaths,
    });
    this.recorder.publishServerEvent({
      topic: 'config',
      type: 'config.changed',
      time: info.createdAt,
      text: `config version ${info.id} by ${actor.name}${comment ? `: ${comment}` : ''}`,
      event: { type: 'config.changed', version: info.id, previous: previous ?? null, author: actor.name, source },
    });
    return info;
  }

  private diffPaths(from: number, to: number): string[] {
    return this.diff(from, to)
      .map((c) => c.path)
      .slice(0, 100);
  }

  /** A refused candidate's keys are secrets too: error messages and logs must not show them. */
  private learnCandidateSecrets(candidate: unknown): void {
    if (candidate === null || typeof candidate !== 'object') return;
    try {
      this.learnSecrets(candidate as GatewayConfig);
    } catch {
      // Too malformed for the engine's redaction: it cannot reach the engine either.
    }
  }

  private learnSecrets(full: GatewayConfig): void {
    this.guard.addSecrets(collectSecrets(full, this.gateway.redactConfig(full)));
  }

  private requireCurrent(): ConfigVersionInfo {
    if (!this.currentInfo) throw new ApiError('unavailable', 'no config loaded yet');
    return this.currentInfo;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
