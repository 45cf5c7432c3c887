/**
 * Test bench for the lab over real UDP on loopback: the local gateway runs
 * the lab's demo config on 127.0.3.1 (peers on 127.0.3.10+, away from the
 * default 127.0.1.x of `pnpm start`), every bench on its own high port pair
 * derived from the process id, and `stop()` ends everything it started.
 */
import type { LogEvent } from '@tunnelscope/api';
import { CertificateService, IkeGateway, systemClock, udpTransportForConfig, validateConfig, type Clock, type GatewayEvent } from '@tunnelscope/engine';
import { createLab, type Lab, type LabEvent, type LabTiming } from '../index.ts';

export const BENCH_LOCAL_ADDRESS = '127.0.3.1';

/** Short timers: retransmits give up after ~1 s, the one-sided DPD probes after 1 s of silence. */
export const FAST_TIMING: Partial<LabTiming> = {
  retryIntervalMs: 2_000,
  staggerMs: 50,
  pfsRekeyDelayMs: 200,
  forgetStateAfterMs: 300,
  oneSidedDpdSeconds: 1,
  retransmit: { initialTimeoutMs: 200, backoff: 1.5, tries: 2 },
  stopGraceMs: 500,
  pingIntervalMs: 200,
};

const PORT_BASE = 30_000 + (process.pid % 800) * 40;
let benchesStarted = 0;

/** A fresh IKE / NAT-T port pair for each bench, so no datagram of a previous test can reach the next. */
export function freshPorts(): { ikePort: number; natTPort: number } {
  const ikePort = PORT_BASE + 2 * (benchesStarted++ % 20);
  return { ikePort, natTPort: ikePort + 1 };
}

export interface LabBench {
  lab: Lab;
  local: IkeGateway;
  /** Everything the LOCAL gateway published. */
  events: GatewayEvent[];
  labEvents: LabEvent[];
  stop(): Promise<void>;
}

export async function startLabBench(options: { timing?: Partial<LabTiming>; clock?: Clock; attachLocalGateway?: boolean } = {}): Promise<LabBench> {
  const lab = createLab({ localAddress: BENCH_LOCAL_ADDRESS, ...freshPorts(), timing: { ...FAST_TIMING, ...options.timing }, ...(options.clock ? { clock: options.clock } : {}) });
  // The certificate scenarios of the default mix need the lab's CA, DNS and PKI, as in `pnpm start`.
  await lab.prepare();
  const validated = validateConfig(lab.demoConfig());
  if (!validated.ok) {
    await lab.close();
    throw new Error(`demo config invalid: ${JSON.stringify(validated.errors)}`);
  }
  const config = validated.config;
  const certificates = new CertificateService({ directory: config.engine.certificateDirectory ?? '', clock: options.clock ?? systemClock, timeZone: config.timeZone, dnsServers: config.dnsServers });
  certificates.applyConfig(config);
  await certificates.load();
  const local = new IkeGateway({ config, transport: udpTransportForConfig(config), certificates, ...(options.clock ? { clock: options.clock } : {}) });
  const events: GatewayEvent[] = [];
  const labEvents: LabEvent[] = [];
  local.subscribe((event) => events.push(event));
  lab.subscribe((event) => labEvents.push(event));
  await local.start();
  const detach = options.attachLocalGateway === false ? () => undefined : lab.attachLocalGateway({ initiate: (tunnel) => local.initiate(tunnel), ping: (request) => local.dataPlane.ping(request) });
  return {
    lab,
    local,
    events,
    labEvents,
    async stop() {
      await lab.stopAll();
      detach();
      await local.stop();
      await lab.close();
    },
  };
}

export function ofType<T extends GatewayEvent['type']>(events: readonly GatewayEvent[], type: T): Array<Extract<GatewayEvent, { type: T }>> {
  return events.filter((event): event is Extract<GatewayEvent, { type: T }> => event.type === type);
}

export function logEvents(events: readonly GatewayEvent[], code: string, tunnel?: string): LogEvent[] {
  return ofType(events, 'log.event').filter((event) => event.code === code && (tunnel === undefined || event.tunnel === tunnel));
}

export function forTunnel<T extends GatewayEvent>(events: readonly T[], tunnel: string): T[] {
  return events.filter((event) => 'tunnel' in event && event.tunnel === tunnel);
}

/** Polls (real time) until `predicate` holds; the failure names what was awaited and the codes seen. */
export function waitFor(predicate: () => boolean, what: string, events: readonly GatewayEvent[], timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() > until) {
        const seen = events.map((event) => (event.type === 'log.event' ? `log.event:${event.code}` : event.type)).filter((type) => type !== 'snoop.message');
        reject(new Error(`timed out waiting for ${what}; local events: ${seen.join(', ')}`));
      } else setTimeout(poll, 5);
    };
    poll();
  });
}

export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
