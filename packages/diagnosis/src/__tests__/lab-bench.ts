/**
 * Test bench: OUR gateway and any number of peer gateways (the real engine)
 * on one MemoryNetwork with a shared ManualClock and seeded entropy. Our
 * gateway's events are numbered as the server numbers stored events, so
 * diagnosis sees exactly what it would see in production: our config, our
 * events, and nothing of the peers.
 */
import { TUNNEL_DEFAULTS, type GatewayConfig, type TunnelConfig } from '@tunnelscope/api';
import { CertificateService, IkeGateway, seededEntropy, type GatewayEvent } from '@tunnelscope/engine';
import { ManualClock, MemoryNetwork, MemoryTransport, type WireFilter } from '@tunnelscope/test-utils';
import type { DiagnosisEvent, SaStateSnapshot } from '../model/diagnosis-input.ts';

/** The data-plane part of a config. */
export type DataPlaneSettings = Partial<Pick<GatewayConfig, 'interfaces' | 'addressBook' | 'services' | 'ipRules' | 'routes' | 'hosts'>>;

export type TunnelOverrides = Partial<TunnelConfig> & Pick<TunnelConfig, 'name' | 'localEndpoint' | 'remoteEndpoint'>;

/** A normalised tunnel with the defaults of the config model. */
export function makeTunnel(overrides: TunnelOverrides): TunnelConfig {
  return {
    ...structuredClone(TUNNEL_DEFAULTS),
    localNetworks: ['192.168.10.0/24'],
    remoteNetworks: ['10.10.10.0/24'],
    ikeProposals: ['aes128gcm16-prfsha256-x25519'],
    ipsecProposals: ['aes128gcm16'],
    localId: { type: 'ipv4', value: overrides.localEndpoint },
    remoteId: overrides.remoteEndpoint === 'none' ? { type: 'any', value: '' } : { type: 'ipv4', value: overrides.remoteEndpoint },
    auth: { method: 'psk', psk: { type: 'passphrase', value: 's3cret-key' } },
    ...overrides,
  };
}

export function makeConfig(tunnels: TunnelConfig[], engine: Partial<GatewayConfig['engine']> = {}): GatewayConfig {
  return {
    interfaces: [],
    addressBook: [],
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

/**
 * The mirror of one of our tunnels as the peer would configure it (its local
 * is our remote, ...), with overrides for the scenario's misconfiguration.
 */
export function mirrorTunnel(ours: TunnelConfig, overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  return {
    ...ours,
    localEndpoint: ours.remoteEndpoint,
    remoteEndpoint: ours.localEndpoint,
    localNetworks: [...ours.remoteNetworks],
    remoteNetworks: [...ours.localNetworks],
    localId: ours.remoteId.type === 'any' ? { type: 'ipv4', value: ours.remoteEndpoint } : { ...ours.remoteId },
    remoteId: { ...ours.localId },
    ...overrides,
  };
}

interface Node {
  address: string;
  config: GatewayConfig;
  gateway: IkeGateway;
  events: GatewayEvent[];
}

export class Lab {
  readonly clock: ManualClock;
  readonly network = new MemoryNetwork();
  /** Our gateway's events, numbered like the server's event store. */
  readonly ourEvents: DiagnosisEvent[] = [];
  private nextEventId = 1;
  private ours!: Node;
  private readonly peers = new Map<string, Node>();
  private restarts = 0;

  private constructor(private readonly seed: string, start: number) {
    this.clock = new ManualClock(start);
  }

  static async start(options: {
    /** `network`: interfaces, rules, routes and hosts of the data plane (the rest of the config is made from the tunnels). */
    ours: { address: string; tunnels: TunnelConfig[]; engine?: Partial<GatewayConfig['engine']>; network?: DataPlaneSettings };
    /** `engine.certificateDirectory`: the peer gets a certificate service over it, as ours does. */
    peers: Array<{ address: string; tunnels: TunnelConfig[]; engine?: Partial<GatewayConfig['engine']>; network?: DataPlaneSettings }>;
    seed: string;
    start?: number;
  }): Promise<Lab> {
    const lab = new Lab(options.seed, options.start ?? Date.UTC(2026, 0, 1, 12, 0, 0));
    lab.ours = await lab.startNode(options.ours.address, { ...makeConfig(options.ours.tunnels, options.ours.engine), ...options.ours.network }, true);
    for (const peer of options.peers) lab.peers.set(peer.address, await lab.startNode(peer.address, { ...makeConfig(peer.tunnels, peer.engine), ...peer.network }, false));
    return lab;
  }

  private async startNode(address: string, config: GatewayConfig, ours: boolean): Promise<Node> {
    // A certificate directory in the config gets the engine's certificate service on the lab clock, as the server wires it.
    const directory = config.engine.certificateDirectory;
    let certificates: CertificateService | undefined;
    if (directory !== undefined && directory !== '') {
      certificates = new CertificateService({ directory, clock: this.clock, timeZone: config.timeZone, dnsServers: config.dnsServers });
      certificates.applyConfig(config);
      await certificates.load();
    }
    const gateway = new IkeGateway({
      config,
      transport: new MemoryTransport(this.network, [address], config.engine.ikePort, config.engine.natTPort),
      clock: this.clock,
      entropy: seededEntropy(`${this.seed}-${address}-${this.restarts}`),
      ...(certificates ? { certificates } : {}),
    });
    const node: Node = { address, config, gateway, events: [] };
    gateway.subscribe((event) => {
      node.events.push(event);
      if (ours) this.ourEvents.push({ id: this.nextEventId++, event });
    });
    await gateway.start();
    return node;
  }

  get config(): GatewayConfig {
    return this.ours.config;
  }

  get gateway(): IkeGateway {
    return this.ours.gateway;
  }

  peer(address: string): IkeGateway {
    const node = this.peers.get(address);
    if (!node) throw new Error(`no peer ${address}`);
    return node.gateway;
  }

  peerEvents(address: string): GatewayEvent[] {
    return this.peers.get(address)?.events ?? [];
  }

  set filter(filter: WireFilter | undefined) {
    this.network.filter = filter;
  }

  settle(): void {
    this.network.deliverAll();
  }

  /**
   * Delivers until quiet, also across the certificate checks the gateways
   * park off their cores (verifyPeer answers asynchronously, without any
   * clock step).
   */
  async settleAsync(rounds = 50): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      this.network.deliverAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  advance(ms: number, stepMs = 1000): void {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      this.clock.advance(Math.min(stepMs, end - this.clock.now()));
      this.network.deliverAll();
    }
  }

  /** The gateway at `address` loses all state (a restart); ours keeps numbering its events. */
  async restart(address: string): Promise<void> {
    this.restarts++;
    if (address === this.ours.address) {
      await this.ours.gateway.stop();
      this.ours = await this.startNode(address, this.ours.config, true);
      return;
    }
    const node = this.peers.get(address);
    if (!node) throw new Error(`no peer ${address}`);
    await node.gateway.stop();
    this.peers.set(address, await this.startNode(address, node.config, false));
  }

  saState(): SaStateSnapshot {
    return { ikeSas: this.ours.gateway.listIkeSas(), childSas: this.ours.gateway.listChildSas() };
  }

  now(): number {
    return this.clock.now();
  }

  async stop(): Promise<void> {
    await this.ours.gateway.stop();
    for (const node of this.peers.values()) await node.gateway.stop();
  }
}
