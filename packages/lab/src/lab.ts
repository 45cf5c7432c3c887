/**
 * The demo lab: scenario peers (real engine instances over UDP on loopback)
 * negotiating with the local gateway, which runs the lab's demo config.
 *
 *   createLab(options)
 *     demoConfig()          the LOCAL gateway's config (tunnels to every peer, ordered)
 *     scenarios             metadata only (titles, sections, expected findings)
 *     peerConfig(id)        the peer's own config (kept apart: diagnosis tests may withhold it)
 *     start(id) / stop(id)  bind the peer, then its loop retries on its own
 *     startDefaultMix()     healthy and failing scenarios at once (`pnpm start`)
 *     stopAll()
 *     subscribe(listener)   peer events and lab moves
 *     attachLocalGateway()  lets scenarios that need it make the local gateway initiate
 *     prepare() / close()   the certificate infrastructure (CA server, DNS, PKI; certs/):
 *                           prepare before demoConfig() so our config carries the
 *                           certificate directory and DNS servers; close ends it all
 *
 * The lab never starts the local gateway: its host (the server, or a test)
 * does, with `demoConfig()`.
 */
import type { GatewayConfig, GatewayConfigInput } from '@tunnelscope/api';
import { validateConfig, type ChildSaInfo, type GatewayEvent, type IkeSaInfo } from '@tunnelscope/engine';
import { buildDemoConfig, buildPeerConfig } from './demo-config.ts';
import type { LabEvent, LabListener, LocalGatewayControl } from './lab-events.ts';
import { resolveLabOptions, type LabOptions, type LabTiming, type ResolvedLabOptions } from './lab-options.ts';
import { PeerGateway } from './peer-gateway.ts';
import { CertificateLab } from './certs/certificate-lab.ts';
import {
  LAB_SCENARIOS,
  SCENARIO_DEFINITIONS,
  scenarioDefinition,
  type LabScenarioId,
  type LabScenarioMetadata,
  type ScenarioDefinition,
} from './scenario-catalogue.ts';
import { ScenarioRun, type ScenarioRunHooks, type ScenarioRunStatus } from './scenario-run.ts';

/** A scenario as this lab instance places it. */
export interface LabScenario extends LabScenarioMetadata {
  /** Our tunnel (in `demoConfig()`) that the scenario exercises. */
  readonly localTunnel: string;
  /** Where the peer is (nothing listens there for "peer not responding"). */
  readonly peerAddress: string;
  readonly peerListens: boolean;
  /** Who starts the negotiations. */
  readonly initiator: 'peer' | 'local';
}

export interface LabScenarioStatus {
  readonly id: LabScenarioId;
  readonly running: boolean;
  readonly peerAddress: string;
  readonly localTunnel: string;
  readonly run?: ScenarioRunStatus;
}

/**
 * What an operator could know of the peer's tunnel (diagnosis's optional
 * `peerConfig` input), keyed by OUR tunnel name. `localNetworks` are the
 * PEER's local networks.
 */
export interface PeerTunnelSettings {
  localNetworks: string[];
  remoteNetworks: string[];
  ikeProposals: string[];
  ipsecProposals: string[];
  ikeLifetimeSeconds?: number;
  ipsecLifetimeSeconds?: number;
  responderPolicy?: 'strict' | 'narrow';
  dpd?: { enabled?: boolean; intervalSeconds?: number; timeoutSeconds?: number };
  pskType: 'passphrase' | 'hex';
}

export interface Lab {
  readonly localAddress: string;
  readonly ikePort: number;
  readonly natTPort: number;
  readonly timing: Readonly<LabTiming>;
  readonly scenarios: readonly LabScenario[];
  /** The LOCAL gateway's config: tunnels towards every scenario peer, in the order the scenarios need. */
  demoConfig(): GatewayConfigInput;
  /** The peer gateway's own config (undefined: no peer listens for this scenario). */
  peerConfig(id: LabScenarioId): GatewayConfigInput | undefined;
  /** The peers' tunnel settings by our tunnel name (for diagnosis's `peerConfig`; withhold it to test blind). */
  peerTunnelSettings(): Record<string, PeerTunnelSettings>;
  start(id: LabScenarioId): Promise<void>;
  stop(id: LabScenarioId): Promise<void>;
  status(): LabScenarioStatus[];
  startDefaultMix(): Promise<void>;
  stopAll(): Promise<void>;
  subscribe(listener: LabListener): () => void;
  /** Scenarios initiated by the local gateway wait for this; returns the detach function. */
  attachLocalGateway(control: LocalGatewayControl): () => void;
  /** One line per running scenario, for a console banner. */
  describe(): string[];
  /** The peer's SA tables (the other side of the story), undefined when its scenario does not run or has no peer. */
  peerState(id: LabScenarioId): PeerSaState | undefined;
  /**
   * Starts the certificate infrastructure (lab CA server with its CRLs, lab DNS,
   * the PKI and certificate directories); idempotent. Certificate scenarios need
   * it, and `demoConfig()` carries its certificate directory and DNS servers only
   * once it has run.
   */
  prepare(): Promise<void>;
  /** Stops every scenario, then the certificate infrastructure (its files are removed). */
  close(): Promise<void>;
}

/** A peer gateway's SA tables, read-only (no keys: the engine's listings never carry them). */
export interface PeerSaState {
  readonly address: string;
  readonly ikeSas: IkeSaInfo[];
  readonly childSas: ChildSaInfo[];
}

export class LabScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabScenarioError';
  }
}

interface RunningScenario {
  peer: PeerGateway | undefined;
  run: ScenarioRun;
}

export function createLab(options: LabOptions = {}): Lab {
  const resolved = resolveLabOptions(
    options,
    SCENARIO_DEFINITIONS.map((definition) => definition.site.host),
  );
  return new DemoLab(resolved);
}

class DemoLab implements Lab {
  readonly localAddress: string;
  readonly ikePort: number;
  readonly natTPort: number;
  readonly timing: Readonly<LabTiming>;
  readonly scenarios: readonly LabScenario[];
  private readonly listeners = new Set<LabListener>();
  private readonly running = new Map<LabScenarioId, RunningScenario>();
  /** Scenarios between start() and running (or failure), so a second start waits instead of binding twice. */
  private readonly starting = new Map<LabScenarioId, Promise<void>>();
  private localGateway: LocalGatewayControl | undefined;
  private certificateLab: Promise<CertificateLab> | undefined;
  private certificates: CertificateLab | undefined;

  constructor(private readonly options: ResolvedLabOptions) {
    this.localAddress = options.localAddress;
    this.ikePort = options.ikePort;
    this.natTPort = options.natTPort;
    this.timing = options.timing;
    this.scenarios = SCENARIO_DEFINITIONS.map((definition) => placeScenario(definition, options));
  }

  demoConfig(): GatewayConfigInput {
    const config = buildDemoConfig(this.options);
    return this.certificates ? this.certificates.applyTo(config) : config;
  }

  peerConfig(id: LabScenarioId): GatewayConfigInput | undefined {
    const config = buildPeerConfig(this.definition(id), this.options);
    return config && this.certificates && this.definition(id).certificate ? this.certificates.applyToPeer(id, config) : config;
  }

  prepare(): Promise<void> {
    this.certificateLab ??= CertificateLab.start({
      dnsAddress: this.options.peerAddress(53),
      caAddress: this.options.peerAddress(80),
      clock: this.options.clock,
      dnsClient: this.options.certificates.dnsClient,
      scenarios: SCENARIO_DEFINITIONS.flatMap((definition) => (definition.certificate ? [{ id: definition.id, tunnel: definition.site.tunnel, certificate: definition.certificate }] : [])),
    }).then(
      (started) => (this.certificates = started),
      (error: unknown) => {
        this.certificateLab = undefined;
        throw error;
      },
    );
    return this.certificateLab.then(() => undefined);
  }

  async close(): Promise<void> {
    await this.stopAll();
    const pending = this.certificateLab;
    this.certificateLab = undefined;
    this.certificates = undefined;
    const started = await pending?.catch(() => undefined);
    await started?.close();
  }

  peerTunnelSettings(): Record<string, PeerTunnelSettings> {
    const settings: Record<string, PeerTunnelSettings> = {};
    for (const definition of SCENARIO_DEFINITIONS) {
      const config = this.peerConfig(definition.id);
      const tunnel = config ? validatedConfig(config, definition.id).tunnels[0] : undefined;
      if (!tunnel || tunnel.auth.method !== 'psk') continue;
      settings[definition.site.tunnel] = {
        localNetworks: [...tunnel.localNetworks],
        remoteNetworks: [...tunnel.remoteNetworks],
        ikeProposals: [...tunnel.ikeProposals],
        ipsecProposals: [...tunnel.ipsecProposals],
        ikeLifetimeSeconds: tunnel.ikeLifetimeSeconds,
        ipsecLifetimeSeconds: tunnel.ipsecLifetimeSeconds,
        responderPolicy: tunnel.responderPolicy,
        dpd: { ...tunnel.dpd },
        pskType: tunnel.auth.psk.type,
      };
    }
    return settings;
  }

  async start(id: LabScenarioId): Promise<void> {
    const definition = this.definition(id);
    const missing = this.certificatePrerequisite(definition);
    if (missing !== undefined) throw new LabScenarioError(missing);
    if (this.running.has(id)) return;
    const pending = this.starting.get(id);
    if (pending) return pending;
    const starting = this.startScenario(definition, 0).finally(() => this.starting.delete(id));
    this.starting.set(id, starting);
    return starting;
  }

  async stop(id: LabScenarioId): Promise<void> {
    this.definition(id);
    await this.starting.get(id)?.catch(() => undefined);
    const scenario = this.running.get(id);
    if (!scenario) return;
    this.running.delete(id);
    scenario.run.end();
    await scenario.peer?.stop({ graceful: true, graceMs: this.options.timing.stopGraceMs });
    this.emitScenarioChange('lab.scenario.stopped', this.definition(id));
  }

  status(): LabScenarioStatus[] {
    return this.scenarios.map((scenario) => {
      const running = this.running.get(scenario.id);
      return {
        id: scenario.id,
        running: running !== undefined,
        peerAddress: scenario.peerAddress,
        localTunnel: scenario.localTunnel,
        ...(running ? { run: running.run.status() } : {}),
      };
    });
  }

  async startDefaultMix(): Promise<void> {
    const mix = SCENARIO_DEFINITIONS.filter(
      (definition) => definition.inDefaultMix && this.certificatePrerequisite(definition) === undefined && !this.running.has(definition.id) && !this.starting.has(definition.id),
    );
    const results = await Promise.allSettled(
      mix.map((definition, index) => {
        const starting = this.startScenario(definition, index * this.options.timing.staggerMs).finally(() => this.starting.delete(definition.id));
        this.starting.set(definition.id, starting);
        return starting;
      }),
    );
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [`${mix[index]?.id}: ${errorText(result.reason)}`] : []));
    if (failures.length > 0) {
      await this.stopAll();
      throw new LabScenarioError(`the demo lab could not start: ${failures.join('; ')}`);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.starting.values()].map((pending) => pending.catch(() => undefined)));
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  subscribe(listener: LabListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  attachLocalGateway(control: LocalGatewayControl): () => void {
    this.localGateway = control;
    for (const scenario of this.running.values()) scenario.run.localGatewayAttached();
    return () => {
      if (this.localGateway === control) this.localGateway = undefined;
    };
  }

  describe(): string[] {
    return this.scenarios
      .filter((scenario) => this.running.has(scenario.id))
      .map((scenario) => `${scenario.peerAddress.padEnd(15)} ${scenario.localTunnel.padEnd(18)} ${scenario.title}`);
  }

  peerState(id: LabScenarioId): PeerSaState | undefined {
    const peer = this.running.get(id)?.peer;
    const gateway = peer?.instance();
    if (!peer || !gateway) return undefined;
    return { address: peer.address, ikeSas: gateway.listIkeSas(), childSas: gateway.listChildSas() };
  }

  private definition(id: string): ScenarioDefinition {
    const definition = scenarioDefinition(id);
    if (!definition) throw new LabScenarioError(`no lab scenario "${id}" (scenarios: ${SCENARIO_DEFINITIONS.map((d) => d.id).join(', ')})`);
    return definition;
  }

  /** Why a certificate scenario cannot run in this lab (undefined: it can, or it is no certificate scenario). */
  private certificatePrerequisite(definition: ScenarioDefinition): string | undefined {
    const needs = definition.certificate?.dnsClient;
    if (needs === undefined) return undefined;
    if (!this.certificates) return `scenario ${definition.id} needs the lab's certificate infrastructure: await lab.prepare() before taking demoConfig()`;
    if (needs === 'none' && this.certificates.dnsClient) return `scenario ${definition.id} needs a gateway without DNS servers: create the lab with certificates: { dnsClient: false }`;
    if (needs === 'configured' && !this.certificates.dnsClient) return `scenario ${definition.id} resolves its CRL host with our DNS client, which this lab leaves out (certificates: { dnsClient: false })`;
    return undefined;
  }

  private async startScenario(definition: ScenarioDefinition, firstTickDelayMs: number): Promise<void> {
    const peerInput = this.peerConfig(definition.id);
    const peerAddress = this.options.peerAddress(definition.site.host);
    let peer: PeerGateway | undefined;
    if (peerInput) {
      const peerConfig = validatedConfig(peerInput, definition.id);
      const certificates = definition.certificate && this.certificates ? await this.certificates.peerCertificateService(definition.id, peerConfig) : undefined;
      peer = new PeerGateway(peerAddress, peerConfig, this.options.clock, (event) => this.onPeerEvent(definition, peerAddress, event), certificates);
      await peer.start();
    }
    const run = new ScenarioRun(definition, this.options, peer, this.hooks());
    this.running.set(definition.id, { peer, run });
    this.emitScenarioChange('lab.scenario.started', definition);
    run.begin(firstTickDelayMs);
  }

  private hooks(): ScenarioRunHooks {
    return {
      emit: (event) => this.emit(event),
      localGateway: () => this.localGateway,
    };
  }

  private onPeerEvent(definition: ScenarioDefinition, peer: string, event: GatewayEvent): void {
    this.running.get(definition.id)?.run.onPeerEvent(event);
    this.emit({ type: 'lab.peer.event', time: event.time, scenarioId: definition.id, peer, event });
  }

  private emitScenarioChange(type: 'lab.scenario.started' | 'lab.scenario.stopped', definition: ScenarioDefinition): void {
    this.emit({
      type,
      time: this.options.clock.now(),
      scenarioId: definition.id,
      peer: this.options.peerAddress(definition.site.host),
      localTunnel: definition.site.tunnel,
    });
  }

  private emit(event: LabEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the lab or the other listeners.
      }
    }
  }
}

function placeScenario(definition: ScenarioDefinition, options: ResolvedLabOptions): LabScenario {
  const metadata = LAB_SCENARIOS.find((scenario) => scenario.id === definition.id);
  if (!metadata) throw new LabScenarioError(`scenario ${definition.id} has no metadata`);
  return {
    ...metadata,
    localTunnel: definition.site.tunnel,
    peerAddress: options.peerAddress(definition.site.host),
    peerListens: definition.peer !== null,
    initiator: definition.behaviour.initiator,
  };
}

/** The lab's own configs are data it controls: one that does not validate is a bug in the catalogue. */
function validatedConfig(input: GatewayConfigInput, id: LabScenarioId): GatewayConfig {
  const result = validateConfig(input);
  if (!result.ok) {
    throw new LabScenarioError(`the peer config of scenario ${id} does not validate: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  return result.config;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
