/**
 * The GatewayPort over the real engine: the IKE gateway shell on real UDP
 * sockets, the engine's config model (validate / redact / merge secrets),
 * its CLI interpreter and its `ike -stat` table.
 *
 *   applyConfig(first) --> UdpTransport(listen addresses, IKE/NAT-T ports) + IkeGateway.start
 *   applyConfig(same endpoints) --> IkeGateway.applyConfig (SAs keep running)
 *   applyConfig(other endpoints) --> stop, new transport + gateway (SAs end)
 *
 *   IkeGateway events --> GatewayEvent envelopes (topic, tunnel, peer, code, text, engineRun)
 *   IkeGateway datagram store --(after every event and every 100 ms)--> GatewayDatagram (engineRun, engineDatagramId)
 *
 * Every new IkeGateway gets a new engineRun (its datagram ids restart at 1):
 * the pair (engineRun, engine datagram id) is what an event's cited ids mean.
 *
 * The engine's datagram store is in memory and bounded; the server persists
 * each datagram as soon as it appears there.
 *
 *   first applyConfig --> CertificateService(certificate directory: config.engine.certificateDirectory,
 *                         else <dataDir>/certificates) --> load --> handed to every IkeGateway
 *   REST / console --> engine.dataPlane (flows, trace, ping, interfaces, counters)
 *                  --> certificate service (cache, detail, flush, store, upload, CRLs)
 *   no engine / no such subsystem --> GatewayActionError 'unavailable' (503)
 *
 *   sessionKeys(tunnel) --first call--> engine.setKeyCapture(tunnel, on)
 *   engine.onSessionKeys (live SAs at once, then each new/rekeyed one) --> per-tunnel buffer
 *   sessionKeys(tunnel) --> drains the buffer (the key-capture service stores them sealed)
 *   no sessionKeys(tunnel) call for KEY_CAPTURE_LEASE_MS --> engine.setKeyCapture(tunnel, off), buffer dropped
 *
 * The key-capture service asks only for tunnels with an open window, so the
 * engine hands out keys only while an admin's window is open. Keys never
 * travel through `subscribe` (events, datagrams).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GatewayConfig as EngineConfig } from '@tunnelscope/api';
import { decodeMessage, describeMessageText, renderDescription, type MessageDescription } from '@tunnelscope/ike';
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateFlushResult,
  CertificateStoreView,
  CertificateUpload,
  ChildSaView,
  CrlView,
  DataPlaneCounters,
  FlowPage,
  FlowQuery,
  FlowView,
  IkeSaView,
  IkeStatCounters,
  InterfaceView,
  PingRequest,
  PingResult,
  SnoopSettings,
  TraceRequest,
  TraceResult,
  TunnelStatusView,
} from '../../contract.ts';
import {
  emptyIkeStatCounters,
  formatIkeStatTable,
  formatSnoopEntry,
  IkeGateway,
  mergeSecrets,
  redactConfig,
  runCommand,
  UdpTransport,
  validateConfig,
  type CertificatePort,
  type CliContext,
  type DataPlaneFactory,
  type EngineDataPlane,
  type EngineGatewayEvent,
  type StoredDatagram,
} from '../../engine-api.ts';
import { NOTIFY_NAMES, NOTIFY_SHORT_NAMES, type IkeSaKeyEntry } from '../../ike-tools.ts';
import {
  GatewayActionError,
  type CommandResult,
  type ConfigValidation,
  type GatewayConfig,
  type GatewayDatagram,
  type GatewayEvent,
  type GatewayListener,
  type GatewayPort,
  type CertificateUploadResult,
  type PskTestResult,
} from './gateway-port.ts';

/** Capture stays on in the engine this long after the key-capture service last asked (it asks every 5 s while a window is open). */
const KEY_CAPTURE_LEASE_MS = 30_000;

const EXCHANGES: Record<number, string> = { 34: 'IKE_SA_INIT', 35: 'IKE_AUTH', 36: 'CREATE_CHILD_SA', 37: 'INFORMATIONAL' };
/** strongSwan short notify name -> IANA name, for error notifies (types below 16384). */
const ERROR_NOTIFY_BY_SHORT = new Map(
  [...NOTIFY_SHORT_NAMES].filter(([type]) => type < 16384).map(([type, short]) => [short, NOTIFY_NAMES.get(type) ?? short]),
);

/** Flows read per page while looking one up by id (the DataPlanePort pages at most 1000). */
const FLOW_SCAN_PAGE = 1000;

export interface EngineGatewayOptions {
  /** The server's data directory: certificates live in `<dataDir>/certificates` unless the config names a directory. */
  dataDir?: string;
  /**
   * Makes the engine's certificate subsystem for a certificate directory
   * ('' = none). Absent: the engine runs without one (certificate routes answer 503).
   */
  createCertificates?: (config: EngineConfig, directory: string) => CertificatePort;
  /** Builds each engine's data plane (default: the engine's own). */
  dataPlane?: DataPlaneFactory;
}

export class EngineGateway implements GatewayPort {
  private engine: IkeGateway | undefined;
  private endpointsKey = '';
  private config: EngineConfig;
  private started = false;
  private unsubscribeEngine: (() => void) | undefined;
  private readonly listeners = new Set<GatewayListener>();
  private lastDatagramId = 0;
  /** Names the current IkeGateway instance; a new one for each instance (its datagram ids restart at 1). */
  private engineRun = '';
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly tunnelOfIkeSa = new Map<string, string>();
  private snoopSettings: SnoopSettings = { mode: 'off', peer: null };
  private unsubscribeSessionKeys: (() => void) | undefined;
  /** Tunnel -> when its key capture lapses unless asked again. */
  private readonly keyCaptureLeases = new Map<string, number>();
  /** Tunnel -> keys delivered by the engine, by IKE SA id, not yet handed to the key-capture service. */
  private readonly pendingSessionKeys = new Map<string, Map<string, IkeSaKeyEntry>>();

  private certificates: CertificatePort | undefined;
  private certificateDirectory = '';
  private unsubscribeCertificates: (() => void) | undefined;

  constructor(private readonly options: EngineGatewayOptions = {}) {
    const defaults = validateConfig({});
    if (!defaults.ok) throw new Error('the engine refuses its own default config');
    this.config = defaults.config;
  }

  async start(): Promise<void> {
    this.started = true;
    this.pollTimer = setInterval(() => {
      this.pullDatagrams();
      this.endLapsedKeyCaptures();
    }, 100);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pullDatagrams();
    await this.stopEngine();
    this.unsubscribeCertificates?.();
    this.unsubscribeCertificates = undefined;
    this.certificates?.close?.();
  }

  running(): boolean {
    return this.started;
  }

  getConfig(): GatewayConfig {
    return structuredClone(this.config) as unknown as GatewayConfig;
  }

  validateConfig(candidate: unknown): ConfigValidation {
    const result = validateConfig(candidate);
    if (result.ok) return { ok: true, config: result.config as unknown as GatewayConfig };
    return { ok: false, errors: result.errors.map((e) => ({ path: e.path, message: e.message })) };
  }

  async applyConfig(config: GatewayConfig): Promise<void> {
    const next = config as unknown as EngineConfig;
    await this.configureCertificates(next);
    const key = endpointsKey(next);
    if (this.engine && key === this.endpointsKey) {
      const result = this.engine.applyConfig(next);
      if (!result.ok) throw new Error(result.error);
    } else {
      await this.stopEngine();
      await this.startEngine(next, key);
    }
    this.config = structuredClone(next);
  }

  redactConfig(config: GatewayConfig): GatewayConfig {
    return redactConfig(config as unknown as EngineConfig) as unknown as GatewayConfig;
  }

  mergeSecrets(candidate: unknown, current: GatewayConfig): unknown {
    return mergeSecrets(candidate, current as unknown as EngineConfig);
  }

  listTunnels(): TunnelStatusView[] {
    const ike = this.engine?.listIkeSas() ?? [];
    const child = this.engine?.listChildSas() ?? [];
    return this.config.tunnels.map((t) => {
      const ikeSas = ike.filter((sa) => sa.tunnel === t.name);
      const childSas = child.filter((sa) => sa.tunnel === t.name);
      const up = childSas.some((c) => c.state === 'installed' || c.state === 'established');
      return {
        name: t.name,
        state: up ? 'up' : ikeSas.length > 0 ? 'connecting' : 'down',
        remote: t.remoteEndpoint,
        ikeSaCount: ikeSas.length,
        childSaCount: childSas.length,
      };
    });
  }

  listIkeSas(): IkeSaView[] {
    return (this.engine?.listIkeSas() ?? []).map((sa) => ({
      id: sa.id,
      tunnel: sa.tunnel,
      state: sa.state,
      role: sa.role,
      local: sa.local,
      remote: sa.remote,
      spiInitiator: sa.spiInitiator,
      spiResponder: sa.spiResponder,
      ...(sa.proposal !== undefined ? { proposal: sa.proposal } : {}),
      ...(sa.establishedAt !== undefined ? { establishedAt: sa.establishedAt } : {}),
      ...(sa.rekeyAt !== undefined ? { rekeyAt: sa.rekeyAt } : {}),
      ...(sa.expiresAt !== undefined ? { expiresAt: sa.expiresAt } : {}),
      childSaIds: sa.childSaIds,
      nat: sa.nat,
      natTPort: sa.natTPort,
      peerVendorIds: sa.peerVendorIds,
      ...(sa.peerIdentity !== undefined ? { peerIdentity: sa.peerIdentity } : {}),
      ...(sa.virtualIp !== undefined ? { virtualIp: sa.virtualIp } : {}),
      ...(sa.peerCertificate !== undefined ? { peerCertificate: sa.peerCertificate } : {}),
      ...(sa.peerAuthLifetimeSeconds !== undefined ? { peerAuthLifetimeSeconds: sa.peerAuthLifetimeSeconds } : {}),
      fragmentation: sa.fragmentation,
      lastPeerPacketAt: sa.lastPeerPacketAt,
      dpd: sa.dpd,
      ...(sa.outstandingRequest !== undefined ? { outstandingRequest: sa.outstandingRequest } : {}),
    }));
  }

  listChildSas(): ChildSaView[] {
    return (this.engine?.listChildSas() ?? []).map((c) => ({
      id: c.id,
      ikeSaId: c.ikeSaId,
      tunnel: c.tunnel,
      state: c.state,
      spiInbound: c.spiInbound,
      spiOutbound: c.spiOutbound,
      localTs: c.localTs,
      remoteTs: c.remoteTs,
      ...(c.proposal !== undefined ? { proposal: c.proposal } : {}),
      ...(c.establishedAt !== undefined ? { establishedAt: c.establishedAt } : {}),
      ...(c.expiresAt !== undefined ? { expiresAt: c.expiresAt } : {}),
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      packetsIn: c.packetsIn,
      packetsOut: c.packetsOut,
    }));
  }

  async initiate(tunnel: string): Promise<string> {
    if (!this.config.tunnels.some((t) => t.name === tunnel)) throw new GatewayActionError('not_found', `no tunnel named ${tunnel}`);
    return this.command((e) => e.initiate(tunnel), `initiating ${tunnel}`);
  }

  async rekeyIkeSa(id: string): Promise<string> {
    this.requireIkeSa(id);
    return this.command((e) => e.rekeyIkeSa(id), `rekeying IKE SA ${id}`);
  }

  async deleteIkeSa(id: string): Promise<string> {
    this.requireIkeSa(id);
    return this.command((e) => e.deleteIkeSa(id), `deleting IKE SA ${id}`);
  }

  async rekeyChildSa(id: string): Promise<string> {
    this.requireChildSa(id);
    return this.command((e) => e.rekeyChildSa(id), `rekeying CHILD_SA ${id}`);
  }

  async deleteChildSa(id: string): Promise<string> {
    this.requireChildSa(id);
    return this.command((e) => e.deleteChildSa(id), `deleting CHILD_SA ${id}`);
  }

  stats(): IkeStatCounters {
    return this.engine?.stats() ?? emptyIkeStatCounters();
  }

  formatStats(counters: IkeStatCounters): string {
    return formatIkeStatTable(counters);
  }

  getSnoopMode(): SnoopSettings {
    return { ...this.snoopSettings };
  }

  setSnoopMode(mode: SnoopSettings): void {
    this.snoopSettings = { mode: mode.mode, peer: mode.peer ?? null };
    this.engine?.snoop.setMode(mode.mode, mode.peer ? { peer: mode.peer } : {});
  }

  renderDatagramFull(d: GatewayDatagram): string {
    // Still in the engine's store while its IKE SA is alive: the engine opens the SK payload with the SA's keys.
    const live = this.renderFromEngineStore(d);
    if (live !== undefined) return `${d.brief}\n${live}`;
    // From the stored bytes alone: encrypted payloads stay closed (the SA keys are not kept).
    const message = decodeMessage(d.bytes, { verify: false });
    return `${d.brief}\n${describeMessageText(message)}`;
  }

  /** The engine's `-full` text of the same datagram (same SA, time, direction and bytes), if it still holds it. */
  private renderFromEngineStore(d: GatewayDatagram): string | undefined {
    const engine = this.engine;
    if (!engine || d.ikeSaId === undefined) return undefined;
    const stored = engine.datagrams
      .list({ ikeSaId: d.ikeSaId })
      .find((candidate) => candidate.time === d.time && candidate.direction === d.direction && bytesEqual(candidate.bytes, d.bytes));
    const rendered = stored ? engine.renderDatagram(stored.id, 'full') : undefined;
    if (!rendered || !isMessageDescription(rendered.detail)) return undefined;
    return renderDescription(rendered.detail);
  }

  /**
   * Keys of the tunnel's IKE SAs delivered since the last call (the first
   * call switches capture on in the engine and yields the live SAs' keys).
   */
  sessionKeys = (tunnel: string): IkeSaKeyEntry[] => {
    this.keyCaptureLeases.set(tunnel, Date.now() + KEY_CAPTURE_LEASE_MS);
    if (this.engine && !this.engine.keyCaptureEnabled().includes(tunnel)) this.engine.setKeyCapture(tunnel, true);
    const pending = this.pendingSessionKeys.get(tunnel);
    this.pendingSessionKeys.delete(tunnel);
    return pending ? [...pending.values()] : [];
  };

  subscribe(listener: GatewayListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async runCommand(line: string): Promise<CommandResult> {
    const result = await runCommand(line, this.cliContext());
    return { output: result.output.endsWith('\n') || result.output === '' ? result.output : result.output + '\n', exitCode: result.ok ? 0 : 1 };
  }

  /** What the console reads and drives: members exist only for subsystems this engine has (the others say "not available"). */
  private cliContext(): CliContext {
    const dataPlane = this.engine ? engineDataPlane(this.engine) : undefined;
    const certificates = this.certificates;
    return {
      timeZone: this.config.timeZone,
      ikeStats: () => this.stats(),
      snoop: {
        setMode: (mode, options) => this.setSnoopMode({ mode, peer: options.peer ?? null }),
      },
      ...(certificates
        ? { certificates: { list: () => certificates.certShowEntries(), flush: () => certificates.flush().flushedCertificates } }
        : {}),
      ...(dataPlane
        ? {
            // entries(): the data plane filters itself (CIDR -srcip=/-destip=, no full copy).
            flows: { list: () => dataPlane.flowTableEntries({}), entries: (filter) => dataPlane.flowTableEntries(filter) },
            trace: (request) => dataPlane.trace(request),
            ping: async (request) =>
              (
                await dataPlane.ping({
                  destination: request.address,
                  count: request.count,
                  ...(request.sourceAddress === undefined ? {} : { source: request.sourceAddress }),
                })
              ).text,
          }
        : {}),
    };
  }

  // --- data plane ---------------------------------------------------------------------

  listFlows(query: FlowQuery): FlowPage {
    return this.dataPlane().listFlows(query);
  }

  getFlow(id: string): FlowView | undefined {
    const dataPlane = this.dataPlane();
    for (let offset = 0; ; offset += FLOW_SCAN_PAGE) {
      const page = dataPlane.listFlows({ offset, limit: FLOW_SCAN_PAGE });
      const found = page.flows.find((flow) => flow.id === id);
      if (found) return found;
      if (page.flows.length < FLOW_SCAN_PAGE || offset + FLOW_SCAN_PAGE >= page.total) return undefined;
    }
  }

  trace(request: TraceRequest): TraceResult {
    return this.dataPlane().trace(request);
  }

  async ping(request: PingRequest): Promise<PingResult> {
    return this.dataPlane().ping(request);
  }

  dataPlaneInterfaces(): InterfaceView[] {
    return this.dataPlane().interfaces();
  }

  dataPlaneCounters(): DataPlaneCounters {
    return this.dataPlane().counters();
  }

  private dataPlane(): EngineDataPlane {
    if (!this.engine) throw new GatewayActionError('unavailable', 'the engine is not running: apply a config with tunnels first');
    const dataPlane = engineDataPlane(this.engine);
    if (!dataPlane) throw new GatewayActionError('unavailable', 'the data plane is not available in this engine build');
    return dataPlane;
  }

  // --- certificates -------------------------------------------------------------------

  certificateCache(): CertificateCacheView {
    return this.certificateService().cache();
  }

  certificateDetail(id: string): CertificateDetail | undefined {
    return this.certificateService().detail(id);
  }

  flushCertificates(): CertificateFlushResult {
    return this.certificateService().flush();
  }

  certificateStore(): CertificateStoreView {
    return this.certificateService().store();
  }

  async uploadCertificate(upload: CertificateUpload): Promise<CertificateUploadResult> {
    // The service writes name.cer/name.key atomically and reads the directory again (problems reported by name).
    return this.certificateService().upload(upload);
  }

  crls(): CrlView[] {
    return this.certificateService().cache().crls;
  }

  private certificateService(): CertificatePort {
    if (!this.started) throw new GatewayActionError('unavailable', 'the engine is not running');
    if (!this.certificates) {
      throw new GatewayActionError(
        'unavailable',
        this.options.createCertificates ? 'the certificate subsystem starts with the first config: apply a config first' : 'certificates are not available in this engine build',
      );
    }
    return this.certificates;
  }

  /** The certificate directory the config asks for: its own, else `<dataDir>/certificates`, else none. */
  private certificateDirectoryFor(config: EngineConfig): string {
    const configured = config.engine.certificateDirectory ?? '';
    if (configured !== '') return configured;
    return this.options.dataDir !== undefined && this.options.dataDir !== ':memory:' ? path.join(this.options.dataDir, 'certificates') : '';
  }

  /** Creates the certificate subsystem on the first config (or when the directory changes), else hands it the new config. */
  private async configureCertificates(config: EngineConfig): Promise<void> {
    const create = this.options.createCertificates;
    if (!create) return;
    const directory = this.certificateDirectoryFor(config);
    // The service reads its directory from the config: hand it the one resolved here (the data-dir default included).
    const effective: EngineConfig = { ...config, engine: { ...config.engine, certificateDirectory: directory } };
    if (this.certificates && directory === this.certificateDirectory) {
      this.certificates.applyConfig(effective);
      return;
    }
    if (directory !== '') mkdirSync(directory, { recursive: true });
    this.unsubscribeCertificates?.();
    this.certificates?.close?.();
    const service = create(effective, directory);
    service.applyConfig(effective);
    this.certificates = service;
    this.certificateDirectory = directory;
    // The gateway does not republish certificate events: they reach the stream (topic cert) from here.
    this.unsubscribeCertificates = service.subscribe((event) => this.onEngineEvent(event as EngineGatewayEvent, this.engineRun));
    await service.load();
  }

  async testPsk(tunnel: string, psk: { kind: 'passphrase' | 'hex'; value: string }): Promise<PskTestResult> {
    if (!this.config.tunnels.some((t) => t.name === tunnel)) throw new GatewayActionError('not_found', `no tunnel named ${tunnel}`);
    if (!this.engine) return { result: 'no_evidence', detail: 'the engine is not running' };
    const r = this.engine.testPsk(tunnel, psk);
    return { result: r.result, detail: r.detail };
  }

  private async startEngine(config: EngineConfig, key: string): Promise<void> {
    const addresses = listenAddresses(config);
    const transport = new UdpTransport({ addresses, ikePort: config.engine.ikePort, natTPort: config.engine.natTPort });
    const engine = new IkeGateway({
      config,
      transport,
      ...(this.certificates ? { certificates: this.certificates } : {}),
      ...(this.options.dataPlane ? { dataPlane: this.options.dataPlane } : {}),
    });
    const run = randomUUID();
    this.engineRun = run;
    this.unsubscribeEngine = engine.subscribe((event) => this.onEngineEvent(event, run));
    this.unsubscribeSessionKeys = engine.onSessionKeys(({ tunnel, ikeSaId, entry }) => {
      if (!this.keyCaptureLeases.has(tunnel)) return;
      const pending = this.pendingSessionKeys.get(tunnel) ?? new Map<string, IkeSaKeyEntry>();
      pending.set(ikeSaId, entry);
      this.pendingSessionKeys.set(tunnel, pending);
    });
    for (const tunnel of this.keyCaptureLeases.keys()) engine.setKeyCapture(tunnel, true);
    await engine.start();
    this.engine = engine;
    this.endpointsKey = key;
    this.lastDatagramId = 0;
    if (this.snoopSettings.mode !== 'off' || config.engine.snoop.mode === 'off') {
      engine.snoop.setMode(this.snoopSettings.mode, this.snoopSettings.peer ? { peer: this.snoopSettings.peer } : {});
    } else {
      this.snoopSettings = { mode: config.engine.snoop.mode, peer: config.engine.snoop.peer || null };
    }
  }

  private async stopEngine(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    this.pullDatagrams();
    this.unsubscribeEngine?.();
    this.unsubscribeSessionKeys?.();
    this.engine = undefined;
    await engine.stop();
  }

  private command(run: (engine: IkeGateway) => { ok: true } | { ok: false; error: string }, accepted: string): string {
    if (!this.engine) throw new GatewayActionError('refused', 'the engine has no config with tunnels yet');
    const result = run(this.engine);
    if (!result.ok) throw new GatewayActionError('refused', result.error);
    return accepted;
  }

  private requireIkeSa(id: string): void {
    if (!this.engine?.listIkeSas().some((sa) => sa.id === id)) throw new GatewayActionError('not_found', `no IKE SA ${id}`);
  }

  private requireChildSa(id: string): void {
    if (!this.engine?.listChildSas().some((sa) => sa.id === id)) throw new GatewayActionError('not_found', `no CHILD_SA ${id}`);
  }

  private onEngineEvent(event: EngineGatewayEvent, engineRun: string): void {
    // Datagrams first: the event may cite them as evidence.
    this.pullDatagrams();
    const envelope = { ...this.envelope(event), engineRun };
    for (const l of this.listeners) l.event(envelope);
  }

  private envelope(event: EngineGatewayEvent): GatewayEvent {
    const raw = event as unknown as GatewayEvent['event'];
    const base = { type: event.type, time: event.time, event: raw };
    switch (event.type) {
      case 'snoop.message':
        return {
          ...base,
          topic: 'snoop',
          tunnel: event.tunnel,
          peer: event.remote.address,
          text: formatSnoopEntry({
            timestamp: event.time,
            timeZone: this.config.timeZone,
            local: event.local,
            remote: event.remote,
            direction: event.direction,
            summary: event.summary,
            ...(event.detail !== undefined ? { fullText: typeof event.detail === 'string' ? event.detail : JSON.stringify(event.detail, null, 2) } : {}),
          }),
        };
      case 'log.event':
        return { ...base, topic: 'log', code: event.code, tunnel: event.tunnel, peer: event.peer?.address, text: event.message };
      case 'ike.datagram.dropped':
        return { ...base, topic: 'log', code: event.reason, peer: event.remote.address, text: event.detail };
      case 'ike.psk.diagnosis':
        return { ...base, topic: 'log', code: 'psk_diagnosis', tunnel: event.tunnel, peer: event.peer.address, text: event.conclusion };
      case 'tunnel.selected': {
        const tunnel = event.selection.tunnel ?? undefined;
        if (tunnel) this.rememberTunnel(event.ikeSaId, tunnel);
        return { ...base, topic: 'sa', tunnel, text: tunnel ? `tunnel ${tunnel} selected for ${event.ikeSaId}` : `no tunnel selected for ${event.ikeSaId}` };
      }
      case 'flow.created':
        return { ...base, topic: 'flow', tunnel: event.flow.tunnel, text: `${event.flow.protocol} ${event.flow.source.interface}:${event.flow.source.address} -> ${event.flow.destination.interface}:${event.flow.destination.address}` };
      case 'flow.removed':
        return { ...base, topic: 'flow', text: `flow ${event.id} removed (${event.reason})` };
      case 'dataplane.packet.dropped':
        return { ...base, topic: 'log', code: event.code, tunnel: event.tunnel, text: event.message };
      case 'dataplane.esp.error':
        return { ...base, topic: 'log', code: `esp_${event.code}`, tunnel: event.tunnel ?? undefined, peer: event.remote.address, text: event.message };
      case 'dataplane.keepalive':
        return { ...base, topic: 'log', code: `keepalive_${event.state}`, tunnel: event.tunnel, text: `keep-alive ${event.source} -> ${event.destination}: ${event.state}` };
      case 'cfg.address.assigned':
        return { ...base, topic: 'sa', tunnel: event.tunnel, text: `assigned ${event.address} from ${event.pool}` };
      case 'roaming.address.overlap':
        return { ...base, topic: 'log', code: `roaming_${event.verdict}`, tunnel: event.tunnel, text: event.message };
      case 'cert.cache.changed':
        return { ...base, topic: 'cert', text: certificateCacheText(event) };
      case 'cert.crl.fetch':
        return { ...base, topic: 'cert', ...(event.ok ? {} : { code: `crl_${event.state}` }), text: event.ok ? `CRL ${event.url} fetched` : `CRL ${event.url}: ${event.error ?? event.state}` };
      case 'cert.store.problem':
        return { ...base, topic: 'cert', code: `cert_${event.code}`, text: event.message };
      default: {
        const tunnel = event.tunnel ?? this.tunnelOfIkeSa.get(event.ikeSaId) ?? undefined;
        if (event.tunnel) this.rememberTunnel(event.ikeSaId, event.tunnel);
        const code = 'code' in event ? event.code : undefined;
        const peer = 'remote' in event ? event.remote.address : undefined;
        return {
          ...base,
          topic: 'sa',
          tunnel,
          peer,
          code,
          text: 'message' in event ? event.message : `${event.type} ${event.ikeSaId}`,
          tunnelState: tunnel === undefined ? undefined : this.tunnelStateAfter(event.type, tunnel),
        };
      }
    }
  }

  /** IKE SA -> tunnel, to label datagrams; bounded (oldest forgotten first). */
  private rememberTunnel(ikeSaId: string, tunnel: string): void {
    this.tunnelOfIkeSa.delete(ikeSaId);
    this.tunnelOfIkeSa.set(ikeSaId, tunnel);
    if (this.tunnelOfIkeSa.size > 10_000) this.tunnelOfIkeSa.delete(this.tunnelOfIkeSa.keys().next().value!);
  }

  /** Up when a CHILD_SA comes up; down when the tunnel's last one goes. */
  private tunnelStateAfter(type: string, tunnel: string): 'up' | 'down' | undefined {
    if (type === 'child.sa.up') return 'up';
    if (type === 'child.sa.down' || type === 'ike.sa.down') {
      const left = (this.engine?.listChildSas() ?? []).filter((c) => c.tunnel === tunnel);
      return left.length === 0 ? 'down' : undefined;
    }
    return undefined;
  }

  /** Switches capture off for tunnels whose window closed (the service stopped asking) and drops their undelivered keys. */
  private endLapsedKeyCaptures(): void {
    const now = Date.now();
    for (const [tunnel, until] of this.keyCaptureLeases) {
      if (until > now) continue;
      this.keyCaptureLeases.delete(tunnel);
      this.pendingSessionKeys.delete(tunnel);
      this.engine?.setKeyCapture(tunnel, false);
    }
  }

  private pullDatagrams(): void {
    const engine = this.engine;
    if (!engine || this.listeners.size === 0) return;
    for (const d of engine.datagrams.list({ afterId: this.lastDatagramId })) {
      this.lastDatagramId = d.id;
      const datagram = this.toGatewayDatagram(engine, d);
      for (const l of this.listeners) l.datagram(datagram);
    }
  }

  private toGatewayDatagram(engine: IkeGateway, d: StoredDatagram): GatewayDatagram {
    const summary = engine.renderDatagram(d.id, 'brief')?.summary ?? 'undecodable';
    const bytes = d.bytes;
    const header = bytes.length >= 28;
    const errorCodes = [...summary.matchAll(/N\(([A-Z0-9_]+)\)/g)].map((m) => ERROR_NOTIFY_BY_SHORT.get(m[1]!)).filter((c): c is string => c !== undefined);
    return {
      time: d.time,
      direction: d.direction,
      local: d.local,
      remote: d.remote,
      marker: d.marker,
      bytes,
      ikeSaId: d.ikeSaId,
      tunnel: d.ikeSaId ? this.tunnelOfIkeSa.get(d.ikeSaId) : undefined,
      exchange: header ? (EXCHANGES[bytes[18]!] ?? `EXCHANGE(${bytes[18]})`) : undefined,
      messageId: header ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(20) : undefined,
      response: header ? (bytes[19]! & 0x20) !== 0 : undefined,
      errorCodes,
      brief: formatSnoopEntry({ timestamp: d.time, timeZone: this.config.timeZone, local: d.local, remote: d.remote, direction: d.direction, summary }),
      engineRun: this.engineRun,
      engineDatagramId: d.id,
    };
  }
}

/** The engine's data plane (none when the engine build has none). */
function engineDataPlane(engine: IkeGateway): EngineDataPlane | undefined {
  return engine.dataPlane;
}

/** The engine binds the configured listen addresses, else the tunnels' local endpoints. */
function listenAddresses(config: EngineConfig): string[] {
  if (config.engine.listenAddresses.length > 0) return [...config.engine.listenAddresses];
  return [...new Set(config.tunnels.map((t) => t.localEndpoint).filter((a) => a !== '' && a !== 'none'))];
}

function endpointsKey(config: EngineConfig): string {
  return JSON.stringify([listenAddresses(config), config.engine.ikePort, config.engine.natTPort]);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** The engine returns `-full` detail as `unknown`; it is a MessageDescription when the message decoded. */
function isMessageDescription(detail: unknown): detail is MessageDescription {
  return typeof detail === 'object' && detail !== null && 'summary' in detail && 'header' in detail && 'payloads' in detail;
}

/** The stream line of a cache change: what changed, and for a status crossing, which certificate or CRL. */
function certificateCacheText(event: Extract<EngineGatewayEvent, { type: 'cert.cache.changed' }>): string {
  const subject = event.subject === undefined ? '' : `"${event.subject}" `;
  switch (event.reason) {
    case 'expired':
      return `certificate ${subject}expired (cached)`;
    case 'now_valid':
      return `certificate ${subject}is valid from now on (cached)`;
    case 'revoked':
      return `certificate ${subject}is revoked from now on by its cached CRL`;
    case 'crl_stale':
      return `cached CRL of ${subject}is past its next update: it is fetched again at the next check`;
    default:
      return `certificate cache ${event.reason}: ${event.certificates} certificates, ${event.crls} CRLs`;
  }
}
