/**
 * Session-key capture for Wireshark: an admin opens a time-limited window
 * for one tunnel; while it is open the keys of that tunnel's IKE SAs are
 * taken from the engine and stored sealed (AES-GCM, data-dir key). The table
 * is readable by admins only, every read audited; keys are deleted when the
 * window ends or is closed.
 *
 * The engine side (`GatewayPort.sessionKeys`) is optional: while the engine
 * does not export keys, windows can be opened but stay empty, and the list
 * says so (`engineSupportsKeyExport: false`).
 */
import type { KeyCapture, KeyCaptureList } from '../contract.ts';
import { notFound } from '../errors.ts';
import { formatDecryptionTable } from '../ike-tools.ts';
import type { GatewayPort } from '../plugins/app/gateway-port.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';

export class KeyCaptureService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly gateway: GatewayPort,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 5000): void {
    this.timer ??= setInterval(() => this.collect(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  list(): KeyCaptureList {
    const now = this.now();
    return {
      items: this.store.settings.keyCaptures().map((c) => this.view(c, now)),
      engineSupportsKeyExport: this.gateway.sessionKeys !== undefined,
    };
  }

  enable(actor: Actor, tunnel: string, durationS: number): KeyCapture {
    if (!this.gateway.listTunnels().some((t) => t.name === tunnel)) throw notFound(`tunnel ${tunnel}`);
    const now = this.now();
    const row = { tunnel, enabledBy: actor.name, since: now, until: now + durationS * 1000 };
    this.store.settings.upsertKeyCapture(row);
    this.audit.record(actor, 'keys.capture.enable', `tunnel:${tunnel}`, { durationS });
    this.collect();
    return this.view(row, now);
  }

  disable(actor: Actor, tunnel: string): void {
    if (!this.store.settings.deleteKeyCapture(tunnel)) throw notFound(`key capture for tunnel ${tunnel}`);
    this.audit.record(actor, 'keys.capture.disable', `tunnel:${tunnel}`);
  }

  /** The decryption table of the tunnel's captured keys. Audited. */
  table(actor: Actor, tunnel: string): string {
    const now = this.now();
    const capture = this.store.settings.keyCaptures().find((c) => c.tunnel === tunnel && c.until > now);
    if (!capture) throw notFound(`active key capture for tunnel ${tunnel}`);
    this.collect();
    const lines = this.store.settings.sessionKeys(tunnel, now);
    this.audit.record(actor, 'keys.export', `tunnel:${tunnel}`, { entries: lines.length });
    return lines.join('');
  }

  /** Pulls current keys of every tunnel with an open window. */
  collect(): void {
    const source = this.gateway.sessionKeys;
    if (!source) return;
    const now = this.now();
    for (const capture of this.store.settings.keyCaptures()) {
      if (capture.until <= now) continue;
      for (const entry of source(capture.tunnel)) {
        const spi = Buffer.from(entry.spiInitiator).toString('hex') + Buffer.from(entry.spiResponder).toString('hex');
        this.store.settings.storeSessionKey(capture.tunnel, spi, formatDecryptionTable([entry]), now, capture.until);
      }
    }
  }

  private view(c: { tunnel: string; enabledBy: string; since: number; until: number }, now: number): KeyCapture {
    return { ...c, active: c.until > now, keysStored: this.store.settings.countSessionKeys(c.tunnel, now) };
  }
}
