/**
 * Test bench: two gateways on a MemoryNetwork with a shared ManualClock and
 * seeded entropy, so every negotiation is deterministic and time moves only
 * when a test says so.
 */
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import { seededEntropy } from '../../ike/entropy.ts';
import type { GatewayEvent } from '../../ike/core-io.ts';
import type { CoreOptions } from '../../ike/daemon-core.ts';
import { IkeGateway } from '../ike-gateway.ts';

export const A_ADDRESS = '10.0.0.1';
export const B_ADDRESS = '10.0.0.2';

export function tunnel(overrides: Partial<TunnelConfig> & Pick<TunnelConfig, 'name' | 'localEndpoint' | 'remoteEndpoint'>): TunnelConfig {
  return {
    localNetworks: ['192.168.10.0/24'],
    remoteNetworks: ['10.10.10.0/24'],
    ikeProposals: ['aes128gcm16-prfsha256-x25519'],
    ipsecProposals: ['aes128gcm16'],
    enabled: true,
    remotePort: 0,
    perHost: false,
    ikeLifetimeSeconds: 28_800,
    ipsecLifetimeSeconds: 3_600,
    ipsecLifetimeKilobytes: 0,
    ikeVersion: 2,
    responderPolicy: 'strict',
    crlChecking: false,
    xauth: 'off',
    xauthClient: false,
    xauthUsername: '',
    localId: { type: 'ipv4', value: overrides.localEndpoint },
    remoteId: overrides.remoteEndpoint === 'none' ? { type: 'any', value: '' } : { type: 'ipv4', value: overrides.remoteEndpoint },
    auth: { method: 'psk', psk: { type: 'passphrase', value: 's3cret-key' } },
    dpd: { enabled: true, intervalSeconds: 30, timeoutSeconds: 150 },
    keepAlive: { enabled: false, sourceAddress: '', destinationAddress: '' },
    xauthPassword: '',
    ...overrides,
  };
}

export function gatewayConfig(tunnels: TunnelConfig[], engine: Partial<GatewayConfig['engine']> = {}): GatewayConfig {
  return {
    interfaces: [],
    addressBook: [{ name: 'all-nets-ip4', networks: ['0.0.0.0/0'] }],
    services: [],
    ipRules: [],
    routes: [],
    dnsServers: [],
    timeZone: 'UTC',
    tunnels,
    engine: {
      ikePort: 500,
      natTPort: 4500,
      listenAddresses: [],
      halfOpenThreshold: 10,
      retransmit: { initialTimeoutMs: 4000, backoff: 1.8, tries: 5 },
      snoop: { mode: 'off', peer: '' },
      ...engine,
    },
  };
}

/** Side A's and side B's default tunnel "ab" (A initiates towards B). */
export function pairTunnels(overrides: { a?: Partial<TunnelConfig>; b?: Partial<TunnelConfig> } = {}): { a: TunnelConfig; b: TunnelConfig } {
  return {
    a: tunnel({ name: 'ab', localEndpoint: A_ADDRESS, remoteEndpoint: B_ADDRESS, ...overrides.a }),
    b: tunnel({
      name: 'ab',
      localEndpoint: B_ADDRESS,
      remoteEndpoint: A_ADDRESS,
      localNetworks: ['10.10.10.0/24'],
      remoteNetworks: ['192.168.10.0/24'],
      ...overrides.b,
    }),
  };
}

export interface Bench {
  clock: ManualClock;
  network: MemoryNetwork;
  a: IkeGateway;
  b: IkeGateway;
  eventsA: GatewayEvent[];
  eventsB: GatewayEvent[];
  /** Delivers until quiet. */
  settle(): void;
  /** Moves time in steps, delivering after each timer. */
  advance(ms: number, stepMs?: number): void;
  stop(): Promise<void>;
}

export async function startBench(options: {
  a: TunnelConfig[];
  b: TunnelConfig[];
  engineA?: Partial<GatewayConfig['engine']>;
  engineB?: Partial<GatewayConfig['engine']>;
  coreA?: Partial<Omit<CoreOptions, 'config' | 'entropy'>>;
  coreB?: Partial<Omit<CoreOptions, 'config' | 'entropy'>>;
  seed?: string;
}): Promise<Bench> {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  const engineA = { ikePort: 500, natTPort: 4500, ...options.engineA };
  const engineB = { ikePort: 500, natTPort: 4500, ...options.engineB };
  const a = new IkeGateway({
    config: gatewayConfig(options.a, engineA),
    transport: new MemoryTransport(network, [A_ADDRESS], engineA.ikePort, engineA.natTPort),
    clock,
    entropy: seededEntropy(`${options.seed ?? 'bench'}-a`),
    ...(options.coreA ? { core: options.coreA } : {}),
  });
  const b = new IkeGateway({
    config: gatewayConfig(options.b, engineB),
    transport: new MemoryTransport(network, [B_ADDRESS], engineB.ikePort, engineB.natTPort),
    clock,
    entropy: seededEntropy(`${options.seed ?? 'bench'}-b`),
    ...(options.coreB ? { core: options.coreB } : {}),
  });
  const eventsA: GatewayEvent[] = [];
  const eventsB: GatewayEvent[] = [];
  a.subscribe((e) => eventsA.push(e));
  b.subscribe((e) => eventsB.push(e));
  await a.start();
  await b.start();
  return {
    clock,
    network,
    a,
    b,
    eventsA,
    eventsB,
    settle: () => {
      network.deliverAll();
    },
    advance(ms, stepMs = 1000) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        clock.advance(Math.min(stepMs, end - clock.now()));
        network.deliverAll();
      }
    },
    stop: async () => {
      await a.stop();
      await b.stop();
    },
  };
}

export function ofType<T extends GatewayEvent['type']>(events: GatewayEvent[], type: T): Array<Extract<GatewayEvent, { type: T }>> {
  return events.filter((e): e is Extract<GatewayEvent, { type: T }> => e.type === type);
}

export function codes(events: GatewayEvent[]): string[] {
  return ofType(events, 'log.event').map((e) => e.code);
}
