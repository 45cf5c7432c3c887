/**
 * An in-process fake of the GatewayPort for API tests: a tiny config model
 * with one secret per tunnel (`auth.psk.value`), SAs that appear when a test
 * initiates a tunnel, and events/datagrams a test emits. Tests only; the
 * product runs the real engine.
 */
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
} from '../../src/plugins/app/gateway-port.ts';
import type { EngineCertificates, EngineDataPlane } from '../../src/engine-api.ts';
import type { IkeSaKeyEntry } from '../../src/ike-tools.ts';
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateFlushResult,
  CertificateStoreView,
  CertificateUpload,
  ChildSaView,
  CrlView,
  DataPlaneCounters,
  FieldError,
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
} from '../../src/contract.ts';
import { emptyIkeStatCounters, formatIkeStatTable } from '@tunnelscope/engine';

export const REDACTED = '<redacted>';

export interface FakeTunnel {
  name: string;
  remoteEndpoint: string;
  localNetwork: string;
  remoteNetwork: string;
  auth: { psk?: { kind: 'passphrase' | 'hex'; value: string }; privateKey?: string };
}

export function sampleConfig(psk = 'correct horse battery staple'): GatewayConfig {
  return {
    interfaces: [{ name: 'ext', address: '127.0.0.1' }],
    tunnels: [
      {
        name: 'branch-a',
        remoteEndpoint: '127.0.1.2',
        localNetwork: '192.168.10.0/24',
        remoteNetwork: '10.10.10.0/24',
        auth: { psk: { kind: 'passphrase', value: psk } },
      },
    ],
  };
}

const zeroCounters = (): IkeStatCounters => emptyIkeStatCounters();

export class FakeGateway implements GatewayPort {
  private config: GatewayConfig = { interfaces: [], tunnels: [] };
  private listeners = new Set<GatewayListener>();
  private snoop: SnoopSettings = { mode: 'off', peer: null };
  private isRunning = false;
  private nextSa = 1;
  readonly ikeSas = new Map<string, IkeSaView>();
  readonly childSas = new Map<string, ChildSaView>();
  counters = zeroCounters();
  applyFails = false;
  sessionKeys?: (tunnel: string) => IkeSaKeyEntry[];
  now: () => number = Date.now;
  /** A data plane / certificate subsystem a test plugs in; absent, their routes answer 503 as without the engine. */
  dataPlane: EngineDataPlane | undefined;
  certificates: EngineCertificates | undefined;

  async start(): Promise<void> {
    this.isRunning = true;
  }
  async stop(): Promise<void> {
    this.isRunning = false;
  }
  running(): boolean {
    return this.isRunning;
  }

  getConfig(): GatewayConfig {
    return structuredClone(this.config);
  }

  validateConfig(candidate: unknown): ConfigValidation {
    const errors: FieldError[] = [];
    if (typeof candidate !== 'object' || candidate === null) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
    const c = candidate as Record<string, unknown>;
    if (!Array.isArray(c['tunnels'])) errors.push({ path: 'tunnels', message: 'must be a list of tunnels' });
    else {
      const names = new Set<string>();
      c['tunnels'].forEach((t: unknown, i: number) => {
        const tunnel = (t ?? {}) as Record<string, unknown>;
        if (typeof tunnel['name'] !== 'string' || tunnel['name'] === '') errors.push({ path: `tunnels.${i}.name`, message: 'is required' });
        else if (names.has(tunnel['name'])) errors.push({ path: `tunnels.${i}.name`, message: `duplicate tunnel name ${tunnel['name']}` });
        else names.add(tunnel['name']);
        if (typeof tunnel['remoteEndpoint'] !== 'string') errors.push({ path: `tunnels.${i}.remoteEndpoint`, message: 'is required (an address or none)' });
        const psk = (tunnel['auth'] as { psk?: { value?: unknown } } | undefined)?.psk;
        if (psk !== undefined && (typeof psk.value !== 'string' || psk.value.length < 8)) {
          errors.push({ path: `tunnels.${i}.auth.psk.value`, message: 'must be at least 8 characters' });
        }
        if (psk?.value === REDACTED) errors.push({ path: `tunnels.${i}.auth.psk.value`, message: 'no stored key to keep for a new tunnel' });
      });
    }
    return errors.length ? { ok: false, errors } : { ok: true, config: structuredClone(c) };
  }

  async applyConfig(config: GatewayConfig): Promise<void> {
    if (this.applyFails) throw new Error('engine refused: simulated failure with secret ' + JSON.stringify(config));
    this.config = structuredClone(config);
  }

  redactConfig(config: GatewayConfig): GatewayConfig {
    const copy = structuredClone(config);
    for (const t of (copy['tunnels'] as FakeTunnel[] | undefined) ?? []) {
      if (t.auth?.psk) t.auth.psk.value = REDACTED;
      if (t.auth?.privateKey !== undefined) t.auth.privateKey = REDACTED;
    }
    return copy;
  }

  mergeSecrets(candidate: unknown, current: GatewayConfig): unknown {
    if (typeof candidate !== 'object' || candidate === null) return candidate;
    const copy = structuredClone(candidate) as { tunnels?: FakeTunnel[] };
    const byName = new Map(((current['tunnels'] as FakeTunnel[] | undefined) ?? []).map((t) => [t.name, t]));
    for (const t of Array.isArray(copy.tunnels) ? copy.tunnels : []) {
      const old = byName.get(t?.name);
      if (t?.auth?.psk?.value === REDACTED && old?.auth.psk) t.auth.psk.value = old.auth.psk.value;
      if (t?.auth?.privateKey === REDACTED && old?.auth.privateKey !== undefined) t.auth.privateKey = old.auth.privateKey;
    }
    return copy;
  }

  private tunnels(): FakeTunnel[] {
    return (this.config['tunnels'] as FakeTunnel[] | undefined) ?? [];
  }

  listTunnels(): TunnelStatusView[] {
    return this.tunnels().map((t) => {
      const ike = [...this.ikeSas.values()].filter((s) => s.tunnel === t.name);
      const child = [...this.childSas.values()].filter((s) => s.tunnel === t.name);
      return { name: t.name, state: child.length > 0 ? 'up' : 'down', remote: t.remoteEndpoint, ikeSaCount: ike.length, childSaCount: child.length };
    });
  }
  listIkeSas(): IkeSaView[] {
    return [...this.ikeSas.values()];
  }
  listChildSas(): ChildSaView[] {
    return [...this.childSas.values()];
  }

  async initiate(tunnel: string): Promise<string> {
    const t = this.tunnels().find((x) => x.name === tunnel);
    if (!t) throw new GatewayActionError('not_found', `no tunnel ${tunnel}`);
    const id = String(this.nextSa++);
    const childId = `${id}.1`;
    this.ikeSas.set(id, {
      id,
      tunnel,
      state: 'established',
      role: 'initiator',
      local: { address: '127.0.0.1', port: 500 },
      remote: { address: t.remoteEndpoint, port: 500 },
      spiInitiator: '0102030405060708',
      spiResponder: '1112131415161718',
      childSaIds: [childId],
      nat: { local: false, remote: false, side: 'none' },
      natTPort: false,
      peerVendorIds: [],
      fragmentation: false,
      lastPeerPacketAt: Date.now(),
      dpd: { enabled: true, state: 'idle', intervalSeconds: 30 },
    });
    this.childSas.set(childId, {
      id: childId,
      ikeSaId: id,
      tunnel,
      state: 'installed',
      spiInbound: 'c0ffee01',
      spiOutbound: 'c0ffee02',
      localTs: [t.localNetwork],
      remoteTs: [t.remoteNetwork],
    });
    this.counters.ikeSasActive++;
    this.counters.ikeNegotiationsDone++;
    this.counters.ipsecSasActive++;
    this.counters.ipsecNegotiationsDone++;
    this.emitEvent({ topic: 'sa', type: 'ike.sa.established', tunnel, peer: t.remoteEndpoint, tunnelState: 'up', text: `IKE SA ${id} established` });
    return `initiating ${tunnel}`;
  }

  async rekeyIkeSa(id: string): Promise<string> {
    if (!this.ikeSas.has(id)) throw new GatewayActionError('not_found', `no IKE SA ${id}`);
    this.counters.ikeRekeysDone++;
    this.emitEvent({ topic: 'sa', type: 'ike.sa.rekeyed', tunnel: this.ikeSas.get(id)!.tunnel ?? undefined });
    return `rekeying IKE SA ${id}`;
  }
  async deleteIkeSa(id: string): Promise<string> {
    const sa = this.ikeSas.get(id);
    if (!sa) throw new GatewayActionError('not_found', `no IKE SA ${id}`);
    this.ikeSas.delete(id);
    for (const c of sa.childSaIds) this.childSas.delete(c);
    this.counters.ikeSasActive--;
    this.counters.ipsecSasActive -= sa.childSaIds.length;
    this.emitEvent({ topic: 'sa', type: 'ike.sa.deleted', tunnel: sa.tunnel ?? undefined, peer: sa.remote.address, tunnelState: 'down' });
    return `deleting IKE SA ${id}`;
  }
  async rekeyChildSa(id: string): Promise<string> {
    if (!this.childSas.has(id)) throw new GatewayActionError('not_found', `no CHILD_SA ${id}`);
    this.counters.ipsecRekeysDone++;
    return `rekeying CHILD_SA ${id}`;
  }
  async deleteChildSa(id: string): Promise<string> {
    if (!this.childSas.delete(id)) throw new GatewayActionError('not_found', `no CHILD_SA ${id}`);
    this.counters.ipsecSasActive--;
    return `deleting CHILD_SA ${id}`;
  }

  stats(): IkeStatCounters {
    return { ...this.counters };
  }
  formatStats(counters: IkeStatCounters): string {
    return formatIkeStatTable(counters);
  }

  getSnoopMode(): SnoopSettings {
    return { ...this.snoop };
  }
  setSnoopMode(mode: SnoopSettings): void {
    this.snoop = { mode: mode.mode, peer: mode.peer ?? null };
  }
  renderDatagramFull(d: GatewayDatagram): string {
    return `${d.brief}\n  (full decode of ${d.bytes.length} bytes)`;
  }

  subscribe(listener: GatewayListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async runCommand(line: string): Promise<CommandResult> {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'ike' && words[1] === '-stat') return { output: this.formatStats(this.counters), exitCode: 0 };
    if (words[0] === 'ike' && words[1] === '-snoop') {
      const mode = words[2] === '-full' ? 'full' : words[2] === '-off' ? 'off' : 'brief';
      this.setSnoopMode({ mode, peer: null });
      return { output: `snoop ${mode}\n`, exitCode: 0 };
    }
    if (words[0] === 'ike' && words[1] === '-certflush') return { output: 'certificate cache flushed\n', exitCode: 0 };
    return { output: `unknown command: ${words[0] ?? ''}\n`, exitCode: 1 };
  }

  async testPsk(tunnel: string, psk: { kind: 'passphrase' | 'hex'; value: string }): Promise<PskTestResult> {
    const t = this.tunnels().find((x) => x.name === tunnel);
    if (!t) throw new GatewayActionError('not_found', `no tunnel ${tunnel}`);
    return psk.value === t.auth.psk?.value ? { result: 'match', detail: 'the key produces the AUTH the peer sent' } : { result: 'mismatch', detail: 'the AUTH differs' };
  }

  listFlows(query: FlowQuery): FlowPage {
    return this.requireDataPlane().listFlows(query);
  }
  getFlow(id: string): FlowView | undefined {
    return this.requireDataPlane()
      .listFlows({ limit: 1000 })
      .flows.find((f) => f.id === id);
  }
  trace(request: TraceRequest): TraceResult {
    return this.requireDataPlane().trace(request);
  }
  async ping(request: PingRequest): Promise<PingResult> {
    return this.requireDataPlane().ping(request);
  }
  dataPlaneInterfaces(): InterfaceView[] {
    return this.requireDataPlane().interfaces();
  }
  dataPlaneCounters(): DataPlaneCounters {
    return this.requireDataPlane().counters();
  }
  certificateCache(): CertificateCacheView {
    return this.requireCertificates().cache();
  }
  certificateDetail(id: string): CertificateDetail | undefined {
    return this.requireCertificates().detail(id);
  }
  flushCertificates(): CertificateFlushResult {
    return this.requireCertificates().flush();
  }
  certificateStore(): CertificateStoreView {
    return this.requireCertificates().store();
  }
  async uploadCertificate(upload: CertificateUpload): Promise<CertificateUploadResult> {
    return this.requireCertificates().upload(upload);
  }
  crls(): CrlView[] {
    return this.requireCertificates().cache().crls;
  }
  private requireDataPlane(): EngineDataPlane {
    if (!this.dataPlane) throw new GatewayActionError('unavailable', 'the engine is not running');
    return this.dataPlane;
  }
  private requireCertificates(): EngineCertificates {
    if (!this.certificates) throw new GatewayActionError('unavailable', 'the engine is not running');
    return this.certificates;
  }

  // Test drivers.

  emitEvent(e: Partial<GatewayEvent> & { type: string }): void {
    const event: GatewayEvent = {
      topic: e.topic ?? 'log',
      type: e.type,
      time: e.time ?? this.now(),
      code: e.code,
      tunnel: e.tunnel,
      peer: e.peer,
      text: e.text,
      tunnelState: e.tunnelState,
      event: e.event ?? { type: e.type, ...(e.code ? { code: e.code } : {}), ...(e.tunnel ? { tunnel: e.tunnel } : {}) },
    };
    for (const l of this.listeners) l.event(event);
  }

  emitDatagram(d: Partial<GatewayDatagram>): void {
    const datagram: GatewayDatagram = {
      time: d.time ?? this.now(),
      direction: d.direction ?? 'in',
      local: d.local ?? { address: '127.0.0.1', port: 500 },
      remote: d.remote ?? { address: '127.0.1.2', port: 500 },
      marker: d.marker ?? false,
      bytes: d.bytes ?? new Uint8Array(28).fill(1),
      ikeSaId: d.ikeSaId,
      tunnel: d.tunnel,
      exchange: d.exchange ?? 'IKE_SA_INIT',
      messageId: d.messageId ?? 0,
      response: d.response ?? false,
      errorCodes: d.errorCodes ?? [],
      brief: d.brief ?? 'IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
    };
    for (const l of this.listeners) l.datagram(datagram);
  }
}
