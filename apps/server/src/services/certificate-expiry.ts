/**
 * Certificate and CRL expiry alerts, computed from what the engine holds:
 * local certificates and CA trust anchors (the certificate directory), the
 * peer certificates in the cache, and each cached CRL's nextUpdate.
 *
 *   start / every checkIntervalMs / a `cert` event --> check()
 *     --> gateway.certificateStore() + certificateCache() (engine clock: cache.time)
 *     --> expiryFindings(days) --> new (subject, state) --> alerts.raise (once each)
 *
 * An alert is raised once per certificate (or CRL) and state: "expires in
 * N days" and later "expired" are two alerts; a renewed certificate has a
 * new fingerprint. No engine or no certificate subsystem: nothing to check.
 */
import type { Alert, CertificateCacheView, CertificateStoreView, CertificateSummary } from '../contract.ts';
import { GatewayActionError, type GatewayEvent, type GatewayPort } from '../plugins/app/gateway-port.ts';
import type { AlertService } from './alerts.ts';

export const DEFAULT_EXPIRY_DAYS = 14;
const DAY_MS = 86_400_000;

export interface ExpiryFinding {
  /** Dedupe key: what and which state. */
  key: string;
  alert: Alert;
}

function describeSource(c: CertificateSummary): string {
  if (c.source === 'local') return 'local certificate';
  if (c.source === 'ca') return 'CA certificate';
  return `cached peer certificate${c.receivedFrom ? ` from ${c.receivedFrom}` : ''}`;
}

function daysText(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.max(0, Math.floor(ms / 3_600_000));
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** Pure: the expiry alerts for the given view at `now` (ms, engine clock). */
export function expiryFindings(cache: CertificateCacheView | undefined, store: CertificateStoreView | undefined, days: number, now: number): ExpiryFinding[] {
  const horizon = days * DAY_MS;
  const certificates = new Map<string, CertificateSummary>();
  for (const local of store?.local ?? []) if (local.certificate) certificates.set(local.certificate.id, local.certificate);
  for (const ca of store?.authorities ?? []) certificates.set(ca.id, ca);
  for (const peer of cache?.certificates ?? []) if (!certificates.has(peer.id)) certificates.set(peer.id, peer);

  const out: ExpiryFinding[] = [];
  for (const c of certificates.values()) {
    const left = c.validTo - now;
    if (left > horizon) continue;
    const expired = left <= 0;
    const to = new Date(c.validTo).toISOString();
    out.push({
      key: `cert:${c.id}:${expired ? 'expired' : 'expiring'}`,
      alert: {
        kind: 'certificate_expiry',
        time: now,
        tunnel: null,
        severity: expired || c.source !== 'peer' ? 'critical' : 'warning',
        message: expired
          ? `${describeSource(c)} "${c.subject}" expired at ${to} (notAfter, UTC)`
          : `${describeSource(c)} "${c.subject}" expires in ${daysText(left)}, at ${to} (notAfter, UTC)`,
      },
    });
  }
  for (const crl of cache?.crls ?? []) {
    if (crl.nextUpdate === undefined) continue;
    const left = crl.nextUpdate - now;
    if (left > horizon) continue;
    const past = left <= 0;
    const at = new Date(crl.nextUpdate).toISOString();
    out.push({
      key: `crl:${crl.url}:${crl.nextUpdate}:${past ? 'past' : 'near'}`,
      alert: {
        kind: 'crl_expiry',
        time: now,
        tunnel: null,
        severity: past ? 'critical' : 'warning',
        message: past
          ? `CRL of "${crl.issuer}" from ${crl.url} is past its nextUpdate (${at}): it must be fetched again`
          : `CRL of "${crl.issuer}" from ${crl.url} reaches its nextUpdate in ${daysText(left)}, at ${at}`,
      },
    });
  }
  return out;
}

export class CertificateExpiryWatch {
  private readonly raised = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly gateway: GatewayPort,
    private readonly alerts: AlertService,
    private readonly onError: (err: unknown) => void,
    private readonly checkIntervalMs = 3_600_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.checkIntervalMs);
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = undefined;
    this.pending = undefined;
  }

  /** Recorder observer: a certificate event (cache change, CRL fetch, store problem) triggers a check soon after. */
  observe(event: GatewayEvent): void {
    if (event.topic !== 'cert' || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.check();
    }, 100);
    this.pending.unref();
  }

  /** Raises the alerts not raised yet; returns them. */
  async check(): Promise<Alert[]> {
    try {
      const cache = this.read(() => this.gateway.certificateCache());
      const store = this.read(() => this.gateway.certificateStore());
      if (!cache && !store) return [];
      const days = this.alerts.config().certificateExpiry?.days ?? DEFAULT_EXPIRY_DAYS;
      const fresh = expiryFindings(cache, store, days, cache?.time ?? Date.now()).filter((f) => !this.raised.has(f.key));
      for (const f of fresh) this.raised.add(f.key);
      await Promise.all(fresh.map((f) => this.alerts.raise(f.alert)));
      return fresh.map((f) => f.alert);
    } catch (err) {
      this.onError(err);
      return [];
    }
  }

  private read<T>(get: () => T): T | undefined {
    try {
      return get();
    } catch (err) {
      if (err instanceof GatewayActionError && err.kind === 'unavailable') return undefined;
      throw err;
    }
  }
}
