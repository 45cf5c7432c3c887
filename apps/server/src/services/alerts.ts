/**
 * Alerts from tunnel state changes: `tunnel_down`, `tunnel_up` (after a
 * down), and `flapping` (N transitions within a window, once per window).
 * Sent as RFC 5424 syslog over UDP to a loopback collector and as JSON POSTs
 * to webhooks, and recorded on the `alert` topic.
 */
import dgram from 'node:dgram';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { Alert, AlertConfig } from '../contract.ts';
import { badRequest } from '../errors.ts';
import type { GatewayEvent } from '../plugins/app/gateway-port.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { EventRecorder } from './event-recorder.ts';

export const DEFAULT_ALERT_CONFIG: AlertConfig = {
  enabled: true,
  syslog: { enabled: false, host: '127.0.0.1', port: 514, appName: 'tunnelscope', facility: 16 },
  webhooks: [],
  flapping: { transitions: 4, windowS: 300 },
};

const SETTINGS_KEY = 'alerts';
const SEVERITY_CODE: Record<Alert['severity'], number> = { critical: 2, warning: 4, notice: 5 };
/** Example private enterprise number (RFC 5612) for our structured-data id. */
const SD_ID = 'tunnelscope@32473';

export function isLoopbackAddress(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] BOM MSG`. */
export function formatSyslog5424(alert: Alert, config: AlertConfig['syslog'], host = hostname()): string {
  const pri = config.facility * 8 + SEVERITY_CODE[alert.severity];
  const sdValue = (v: string) => v.replace(/[\\"\]]/g, (c) => '\\' + c);
  const sd = `[${SD_ID} kind="${alert.kind}"${alert.tunnel !== null ? ` tunnel="${sdValue(alert.tunnel)}"` : ''}]`;
  const safeHost = host.replace(/[^!-~]/g, '').slice(0, 255) || '-';
  return `<${pri}>1 ${new Date(alert.time).toISOString()} ${safeHost} ${config.appName} ${process.pid} ${alert.kind.toUpperCase()} ${sd} \uFEFF${alert.message}`;
}

export class AlertService {
  private readonly transitions = new Map<string, number[]>();
  private readonly lastState = new Map<string, 'up' | 'down'>();
  private readonly flappingUntil = new Map<string, number>();
  private socket: dgram.Socket | undefined;

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    private readonly audit: AuditLog,
    private readonly onError: (err: unknown, where: string) => void,
  ) {}

  config(): AlertConfig {
    return this.store.settings.get<AlertConfig>(SETTINGS_KEY) ?? DEFAULT_ALERT_CONFIG;
  }

  setConfig(actor: Actor, config: AlertConfig): AlertConfig {
    if (!isLoopbackAddress(config.syslog.host)) {
      throw badRequest('syslog.host must be a loopback address', [{ path: 'syslog.host', message: 'must be 127.0.0.0/8 or ::1' }]);
    }
    config.webhooks.forEach((w, i) => {
      try {
        new URL(w.url);
      } catch {
        throw badRequest(`webhooks.${i}.url is not a URL`, [{ path: `webhooks.${i}.url`, message: 'not a valid URL' }]);
      }
    });
    this.store.settings.set(SETTINGS_KEY, config);
    this.audit.record(actor, 'alerts.config', 'alerts', {
      enabled: config.enabled,
      syslog: config.syslog.enabled ? `${config.syslog.host}:${config.syslog.port}` : 'off',
      webhooks: config.webhooks.length,
    });
    return config;
  }

  /** Recorder observer: follows tunnel state changes. */
  observe(event: GatewayEvent): void {
    if (event.tunnelState === undefined || event.tunnel === undefined) return;
    const tunnel = event.tunnel;
    const previous = this.lastState.get(tunnel);
    if (previous === event.tunnelState) return;
    this.lastState.set(tunnel, event.tunnelState);
    const config = this.config();
    const now = event.time;
    const windowMs = config.flapping.windowS * 1000;
    const recent = (this.transitions.get(tunnel) ?? []).filter((t) => t > now - windowMs);
    recent.push(now);
    this.transitions.set(tunnel, recent);
    if (recent.length >= config.flapping.transitions && (this.flappingUntil.get(tunnel) ?? 0) <= now) {
      this.flappingUntil.set(tunnel, now + windowMs);
      void this.raise({
        kind: 'flapping',
        time: now,
        tunnel,
        severity: 'warning',
        message: `tunnel ${tunnel} is flapping: ${recent.length} state changes in ${config.flapping.windowS} s`,
      });
      return;
    }
    if ((this.flappingUntil.get(tunnel) ?? 0) > now) return;
    if (event.tunnelState === 'down') {
      void this.raise({ kind: 'tunnel_down', time: now, tunnel, severity: 'critical', message: `tunnel ${tunnel} is down${event.code ? ` (${event.code})` : ''}` });
    } else if (previous === 'down') {
      void this.raise({ kind: 'tunnel_up', time: now, tunnel, severity: 'notice', message: `tunnel ${tunnel} is up again` });
    }
  }

  async sendTest(actor: Actor): Promise<Alert> {
    const alert: Alert = { kind: 'test', time: Date.now(), tunnel: null, severity: 'notice', message: `test alert from ${actor.name}` };
    this.audit.record(actor, 'alerts.test', 'alerts');
    await this.raise(alert);
    return alert;
  }

  async raise(alert: Alert): Promise<void> {
    const config = this.config();
    if (!config.enabled && alert.kind !== 'test') return;
    this.recorder.publishServerEvent({
      topic: 'alert',
      type: `alert.${alert.kind}`,
      time: alert.time,
      tunnel: alert.tunnel ?? undefined,
      text: alert.message,
      event: { type: `alert.${alert.kind}`, ...alert },
    });
    const sends: Array<Promise<void>> = [];
    if (config.syslog.enabled) sends.push(this.sendSyslog(alert, config.syslog));
    for (const hook of config.webhooks) if (hook.enabled) sends.push(this.sendWebhook(hook.url, alert));
    await Promise.all(sends);
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private sendSyslog(alert: Alert, config: AlertConfig['syslog']): Promise<void> {
    if (!isLoopbackAddress(config.host)) return Promise.resolve();
    const message = Buffer.from(formatSyslog5424(alert, config), 'utf8');
    const family = isIP(config.host) === 6 ? 'udp6' : 'udp4';
    if (!this.socket || (this.socket as unknown as { type?: string }).type !== family) {
      this.socket?.close();
      this.socket = dgram.createSocket(family);
      this.socket.on('error', (err) => this.onError(err, 'syslog'));
      this.socket.unref();
    }
    const socket = this.socket;
    return new Promise((resolve) =>
      socket.send(message, config.port, config.host, (err) => {
        if (err) this.onError(err, 'syslog');
        resolve();
      }),
    );
  }

  private async sendWebhook(url: string, alert: Alert): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tunnelscope-alerts' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) this.onError(new Error(`webhook ${new URL(url).host} answered ${response.status}`), 'webhook');
    } catch (err) {
      this.onError(err, 'webhook');
    }
  }
}
