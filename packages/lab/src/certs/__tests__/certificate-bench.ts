/**
 * Test bench for the certificate scenarios over real UDP, HTTP and DNS on
 * loopback: one lab (on 127.0.4.x, away from the other lab tests' 127.0.3.x)
 * with its certificate infrastructure prepared, and our gateway running the
 * demo config with a real CertificateService over the lab's directory. Our
 * events (gateway and certificate subsystem) are numbered as the server
 * numbers stored events, so diagnosis sees what it would see in production.
 */
import type { CertificateEvent, GatewayConfig, LogEvent } from '@tunnelscope/api';
import { CertificateService, IkeGateway, systemClock, udpTransportForConfig, validateConfig, type GatewayEvent } from '@tunnelscope/engine';
import { createLab, type Lab, type LabOptions } from '../../index.ts';
import { FAST_TIMING, freshPorts } from '../../__tests__/lab-bench.ts';

export const CERT_BENCH_ADDRESS = '127.0.4.1';

export type OurEvent = GatewayEvent | CertificateEvent;

export interface CertificateBench {
  lab: Lab;
  /** Our gateway's validated config (the lab's demo config). */
  config: GatewayConfig;
  local: IkeGateway;
  certificates: CertificateService;
  events: Array<{ id: number; event: OurEvent }>;
  stop(): Promise<void>;
}

export async function startCertificateBench(options: Pick<LabOptions, 'certificates'> = {}): Promise<CertificateBench> {
  const lab = createLab({ localAddress: CERT_BENCH_ADDRESS, ...freshPorts(), timing: FAST_TIMING, ...options });
  await lab.prepare();
  const validated = validateConfig(lab.demoConfig());
  if (!validated.ok) {
    await lab.close();
    throw new Error(`demo config invalid: ${JSON.stringify(validated.errors)}`);
  }
  const config = validated.config;
  const events: CertificateBench['events'] = [];
  let nextId = 1;
  const record = (event: OurEvent) => events.push({ id: nextId++, event });
  const certificates = new CertificateService({
    directory: config.engine.certificateDirectory ?? '',
    clock: systemClock,
    timeZone: config.timeZone,
    dnsServers: config.dnsServers,
    crlTimeoutMs: 1_000,
  });
  certificates.applyConfig(config);
  certificates.subscribe(record);
  await certificates.load();
  const local = new IkeGateway({ config, transport: udpTransportForConfig(config), certificates });
  local.subscribe(record);
  await local.start();
  return {
    lab,
    config,
    local,
    certificates,
    events,
    async stop() {
      await lab.close();
      await local.stop();
    },
  };
}

/** The coded "No public key found" events of a tunnel. */
export function noPublicKeyFound(events: CertificateBench['events'], tunnel: string): LogEvent[] {
  return events.flatMap(({ event }) => (event.type === 'log.event' && event.code === 'no_public_key_found' && event.tunnel === tunnel ? [event] : []));
}

export function ofType<T extends OurEvent['type']>(events: CertificateBench['events'], type: T): Array<Extract<OurEvent, { type: T }>> {
  return events.flatMap(({ event }) => (event.type === type ? [event as Extract<OurEvent, { type: T }>] : []));
}

/** Polls (real time) until `predicate` holds; the failure names what was awaited and the event types seen. */
export function waitFor(predicate: () => boolean, what: string, events: CertificateBench['events'], timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() > until) {
        const seen = events.map(({ event }) => (event.type === 'log.event' ? `log.event:${event.code}:${String(event.evidence['cause'] ?? '')}` : event.type)).filter((type) => type !== 'snoop.message');
        reject(new Error(`timed out waiting for ${what}; our events: ${seen.join(', ')}`));
      } else setTimeout(poll, 10);
    };
    poll();
  });
}
