/**
 * Prometheus metrics (own registry): `ike -stat` rows, per-tunnel state,
 * events by topic and code, stream fan-out, process metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { IKE_STAT_ROWS } from '@tunnelscope/engine';
import type { GatewayEvent, GatewayPort } from '../plugins/app/gateway-port.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { StreamHub } from './stream-hub.ts';

const TUNNEL_STATES = ['up', 'down', 'connecting'] as const;

export class Metrics {
  readonly registry = new Registry();
  private readonly events: Counter<'topic' | 'code'>;

  constructor(gateway: GatewayPort, hub: StreamHub, recorder: EventRecorder) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tunnelscope_' });
    const registers = [this.registry];
    new Gauge({
      name: 'tunnelscope_ike_stat',
      help: 'The ike -stat table, one series per row',
      labelNames: ['statistic'],
      registers,
      collect() {
        const counters = gateway.stats();
        for (const row of IKE_STAT_ROWS) this.set({ statistic: row.label }, counters[row.counter]);
      },
    });
    new Gauge({
      name: 'tunnelscope_tunnel_state',
      help: 'Tunnel state: 1 for the current state of each configured tunnel',
      labelNames: ['tunnel', 'state'],
      registers,
      collect() {
        this.reset();
        for (const t of gateway.listTunnels()) {
          for (const s of TUNNEL_STATES) this.set({ tunnel: t.name, state: s }, t.state === s ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'tunnelscope_tunnel_up',
      help: '1 when the tunnel has an established CHILD_SA',
      labelNames: ['tunnel'],
      registers,
      collect() {
        this.reset();
        for (const t of gateway.listTunnels()) this.set({ tunnel: t.name }, t.state === 'up' ? 1 : 0);
      },
    });
    this.events = new Counter({
      name: 'tunnelscope_events_total',
      help: 'Engine events by topic and code (code "" for events without one)',
      labelNames: ['topic', 'code'],
      registers,
    });
    new Gauge({ name: 'tunnelscope_stream_clients', help: 'Connected WebSocket clients', registers, collect() { this.set(hub.clientCount()); } });
    new Gauge({
      name: 'tunnelscope_stream_frames_delivered',
      help: 'Frames written to WebSocket clients since start',
      registers,
      collect() {
        this.set(hub.totals.delivered);
      },
    });
    new Gauge({
      name: 'tunnelscope_stream_events_missed',
      help: 'Events not delivered to slow WebSocket clients since start',
      registers,
      collect() {
        this.set(hub.totals.missed);
      },
    });
    new Gauge({ name: 'tunnelscope_last_event_id', help: 'Id of the newest event', registers, collect() { this.set(recorder.lastId()); } });
  }

  observe(event: GatewayEvent): void {
    this.events.inc({ topic: event.topic, code: event.code ?? '' });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  contentType(): string {
    return this.registry.contentType;
  }
}
