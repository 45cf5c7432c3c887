/**
 * Keep-alive: for every enabled tunnel with keepAlive.enabled, an ICMP echo
 * from keepAlive.sourceAddress to keepAlive.destinationAddress through the
 * tunnel every intervalSeconds (default 10), on the injected clock.
 *
 *   idle --reply--> ok --FAILING_AFTER lost in a row--> failing --reply--> ok
 *    ^                                                     |
 *    |         renegotiateAfterLost lost in a row          |
 *    |<------ (renegotiating: SAs deleted, new IKE SA) ----'
 *    '------- no CHILD_SA installed (from any state) ------'
 *
 * Keep-alive watches an established tunnel's data path: a probe is sent only
 * while the tunnel has an installed CHILD_SA (`hasSa`), otherwise the tunnel
 * is `idle` (no probe, nothing counted as lost) and asked again at the next
 * interval. With `renegotiateAfterLost` (> 0) it acts as this class of
 * firewall's tunnel monitor: after that many probes lost in a row the tunnel
 * is taken as no longer operational, its SAs are deleted and it is
 * negotiated again (`renegotiate`) — which also heals a tunnel that went
 * down on the peer's side only (seed 13.6.7). Without it keep-alive only
 * reports.
 * A probe counts as lost when the next probe is due without a reply.
 * State changes emit `dataplane.keepalive` (with the drop reason of the
 * last lost probe when the data plane saw one).
 */
import type { DataPlaneCounters, GatewayConfig } from '@tunnelscope/api';
import type { Clock } from '../io/clock.ts';
import type { EchoProbes } from './echo-probes.ts';
import { parseIpv4 } from './ipv4-address.ts';

export const KEEPALIVE_DEFAULT_INTERVAL_SECONDS = 10;
/** Consecutive lost probes before a tunnel's keep-alive is "failing". */
export const KEEPALIVE_FAILING_AFTER = 3;

type KeepAliveCounter = DataPlaneCounters['keepAlive'][number];

export interface KeepAliveEvent {
  readonly tunnel: string;
  readonly state: 'ok' | 'failing' | 'renegotiating';
  readonly source: string;
  readonly destination: string;
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly renegotiations: number;
  readonly lastError?: string;
}

export interface KeepAliveDependencies {
  readonly clock: Clock;
  readonly probes: EchoProbes;
  /** The tunnel has an installed CHILD_SA (probes are sent only then). */
  hasSa(tunnel: string): boolean;
  /** Deletes the tunnel's SAs and negotiates it again; returns what happened (for the event), or undefined when it cannot. */
  renegotiate?(tunnel: string, reason: string): string | undefined;
  sendEcho(source: number, destination: number, identifier: number, sequence: number): void;
  onStateChange(event: KeepAliveEvent): void;
}

interface KeepAliveTunnel {
  readonly tunnel: string;
  readonly sourceText: string;
  readonly destinationText: string;
  readonly source: number;
  readonly destination: number;
  readonly intervalMs: number;
  readonly renegotiateAfterLost: number;
  readonly identifier: number;
  sequence: number;
  sent: number;
  received: number;
  lost: number;
  renegotiations: number;
  lastReplyAt?: number;
  lastError?: string;
  state: 'ok' | 'failing' | 'idle';
  awaiting: boolean;
  unregister: () => void;
  cancelTimer: () => void;
}

export class KeepAlive {
  private tunnels: KeepAliveTunnel[] = [];

  constructor(private readonly dependencies: KeepAliveDependencies) {}

  configure(config: Pick<GatewayConfig, 'tunnels'>): void {
    this.stop();
    for (const tunnel of config.tunnels) {
      const settings = tunnel.keepAlive;
      if (!tunnel.enabled || !settings.enabled) continue;
      const source = parseIpv4(settings.sourceAddress);
      const destination = parseIpv4(settings.destinationAddress);
      if (source === undefined || destination === undefined) continue;
      const entry: KeepAliveTunnel = {
        tunnel: tunnel.name,
        sourceText: settings.sourceAddress,
        destinationText: settings.destinationAddress,
        source,
        destination,
        intervalMs: (settings.intervalSeconds ?? KEEPALIVE_DEFAULT_INTERVAL_SECONDS) * 1000,
        renegotiateAfterLost: settings.renegotiateAfterLost ?? 0,
        identifier: this.dependencies.probes.allocateIdentifier(),
        sequence: 0,
        sent: 0,
        received: 0,
        lost: 0,
        renegotiations: 0,
        state: 'idle',
        awaiting: false,
        unregister: () => undefined,
        cancelTimer: () => undefined,
      };
      this.tunnels.push(entry);
      this.probe(entry);
    }
  }

  private probe(entry: KeepAliveTunnel): void {
    const { clock, probes } = this.dependencies;
    if (!this.dependencies.hasSa(entry.tunnel)) {
      // No data path to watch: an outstanding probe is abandoned, not lost (the SA went, not the path).
      entry.unregister();
      entry.awaiting = false;
      entry.lost = 0;
      entry.state = 'idle';
      entry.cancelTimer = clock.setTimer(clock.now() + entry.intervalMs, () => this.probe(entry));
      return;
    }
    if (entry.awaiting) {
      entry.lost++;
      entry.lastError = probes.dropReason(entry.identifier, entry.sequence) ?? 'timeout';
      entry.unregister();
      if (entry.lost >= KEEPALIVE_FAILING_AFTER && entry.state !== 'failing') this.changeState(entry, 'failing');
      if (entry.renegotiateAfterLost > 0 && entry.lost >= entry.renegotiateAfterLost && this.dependencies.renegotiate) {
        this.renegotiate(entry);
        return;
      }
    }
    entry.sequence = (entry.sequence % 0xffff) + 1;
    entry.awaiting = true;
    entry.unregister = probes.register(entry.identifier, entry.sequence, {
      onReply: (reply) => {
        if (!entry.awaiting) return;
        entry.awaiting = false;
        entry.received++;
        entry.lost = 0;
        entry.lastReplyAt = reply.at;
        delete entry.lastError;
        entry.unregister();
        if (entry.state !== 'ok') this.changeState(entry, 'ok');
      },
    });
    entry.sent++;
    this.dependencies.sendEcho(entry.source, entry.destination, entry.identifier, entry.sequence);
    entry.cancelTimer = clock.setTimer(clock.now() + entry.intervalMs, () => this.probe(entry));
  }

  /** The monitor's verdict: the tunnel is not operational. Its SAs go, a new negotiation starts; probing resumes once a CHILD_SA is installed. */
  private renegotiate(entry: KeepAliveTunnel): void {
    const { clock } = this.dependencies;
    entry.renegotiations++;
    const reason = `keep-alive ${entry.sourceText} -> ${entry.destinationText}: ${entry.lost} probes lost in a row (renegotiateAfterLost ${entry.renegotiateAfterLost})`;
    this.dependencies.onStateChange({
      tunnel: entry.tunnel,
      state: 'renegotiating',
      source: entry.sourceText,
      destination: entry.destinationText,
      sent: entry.sent,
      received: entry.received,
      lost: entry.lost,
      renegotiations: entry.renegotiations,
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    });
    entry.awaiting = false;
    entry.lost = 0;
    entry.unregister();
    this.dependencies.renegotiate!(entry.tunnel, reason);
    // Nothing watched until a probe over the new CHILD_SA is answered: that answer reports ok again.
    entry.state = 'idle';
    entry.cancelTimer = clock.setTimer(clock.now() + entry.intervalMs, () => this.probe(entry));
  }

  private changeState(entry: KeepAliveTunnel, state: 'ok' | 'failing'): void {
    entry.state = state;
    this.dependencies.onStateChange({
      tunnel: entry.tunnel,
      state,
      source: entry.sourceText,
      destination: entry.destinationText,
      sent: entry.sent,
      received: entry.received,
      lost: entry.lost,
      renegotiations: entry.renegotiations,
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    });
  }

  counters(): KeepAliveCounter[] {
    return this.tunnels.map((entry) => ({
      tunnel: entry.tunnel,
      sent: entry.sent,
      received: entry.received,
      lost: entry.lost,
      renegotiations: entry.renegotiations,
      ...(entry.lastReplyAt === undefined ? {} : { lastReplyAt: entry.lastReplyAt }),
      state: entry.state,
    }));
  }

  stop(): void {
    for (const entry of this.tunnels) {
      entry.cancelTimer();
      entry.unregister();
    }
    this.tunnels = [];
  }
}
