/**
 * The IKE gateway shell: owns the Transport, the Clock, the timers, the
 * datagram store, the snoop filter and the event bus, and feeds the pure
 * daemon core (`../ike`).
 *
 *   transport datagram/notice --+
 *   clock timer fired ----------+--> core.handle(input, clock.now())
 *   operator command -----------+        |
 *                                        v
 *        store datagrams, send datagrams, (re)arm/cancel timers,
 *        count events (ike -stat), filter snoop lines, publish events
 *
 * Everything the operator sees is derived from core outputs: counters are
 * the other engineer's reducer applied to the lifecycle events, listings
 * read the core's SA tables (never keys), snoop lines come from the bytes
 * that crossed the transport.
 *
 * Certificate IKE_AUTH: the core outputs `verify` requests; the shell runs
 * them through the CertificatePort (async: CRLs over HTTP) and feeds each
 * result back as a `cert_verified` input.
 *
 * ESP and the data plane: ESP-in-UDP notices go to the ESP layer
 * (esp-layer.ts), not the core; after each core input the CHILD_SAs it keyed
 * or removed (`core.childSaChanges`) are synced into the ESP layer. The
 * gateway owns a DataPlane whose TunnelPort is that ESP layer; its events go
 * out on the same bus. ESP acquires and volume rekeys asked for while an
 * input is being handled are fed right after it.
 *
 * Session-key capture (for an admin's Wireshark export) is the one way keys
 * leave the engine: only for tunnels switched on with `setKeyCapture`, and
 * only to listeners of `onSessionKeys`, never on the event bus.
 */
import type { GatewayConfig, IkeStatCounters } from '@tunnelscope/api';
import { NOTIFY_STATUS_MIN, PayloadType, allPayloads, decodeMessage, describeMessage, skKeysFor, skSuiteOf, summarize } from '@tunnelscope/ike';
import type { Clock } from '../io/clock.ts';
import { systemClock } from '../io/clock.ts';
import type { Endpoint, Transport } from '../io/transport.ts';
import { UdpTransport } from '../io/udp-transport.ts';
import { notifyName } from '../ike/wire.ts';
import { applyEvent, emptyIkeStatCounters } from '../stats/ike-stat-counters.ts';
import { DatagramStore, type DatagramStoreOptions, type StoredDatagram } from '../snoop/datagram-store.ts';
import { SnoopFilter, type SnoopMode, type SnoopOptions } from '../snoop/snoop-bus.ts';
import type { CertificatePort, PeerVerification } from '../certs/contract.ts';
import type { CertVerifyRequest, GatewayCommandResult, CoreInput, CoreOutput, GatewayEvent } from '../ike/core-io.ts';
import { coreCertificatesOf } from '../ike/certificate-auth.ts';
import { IkeDaemonCore, type CoreOptions } from '../ike/daemon-core.ts';
import { systemEntropy, type Entropy } from '../ike/entropy.ts';
import type { DropReason } from '../ike/error-codes.ts';
import { spi32Hex, spiHex } from '../ike/ike-sa.ts';
import { pskCandidates, testCandidates } from '../ike/psk-candidates.ts';
import { describeWireSelector, proposalText } from '../ike/tunnel-profile.ts';
import { pskBytes, type IkeSaKeyEntry, type PskInput } from '@tunnelscope/ike';
import type { DataPlanePort } from '../dataplane/contract.ts';
import { createGatewayDataPlane, type DataPlaneFactory } from './esp-data-plane.ts';
import { EspLayer } from './esp-layer.ts';

export interface GatewayOptions {
  config: GatewayConfig;
  transport: Transport;
  clock?: Clock;
  entropy?: Entropy;
  datagramStore?: DatagramStoreOptions;
  core?: Partial<Omit<CoreOptions, 'config' | 'entropy' | 'certificates'>>;
  /** Local credentials and peer verification for certificate tunnels; without it they fail (cause local_certificate). */
  certificates?: CertificatePort;
  /** Builds the data plane around the gateway's ESP layer (default: the engine's DataPlane). */
  dataPlane?: DataPlaneFactory;
  /** ESP error events: at most one per (peer, code) in this many ms (default 10 s). */
  espErrorIntervalMs?: number;
}

export type GatewayListener = (event: GatewayEvent) => void;

/** Keys of one IKE SA of a capture-enabled tunnel, in the shape of Wireshark's decryption table. */
export interface SessionKeys {
  tunnel: string;
  ikeSaId: string;
  entry: IkeSaKeyEntry;
}

/**
 * Receives secret key material. Contract: the listener keeps it out of logs,
 * events and error messages, and must not throw (a throw is swallowed).
 */
export type SessionKeyListener = (keys: SessionKeys) => void;

/** Operator-facing facts of an IKE SA (no keys). A superset of the REST IkeSaView. */
export interface IkeSaInfo {
  id: string;
  tunnel: string | null;
  state: string;
  role: 'initiator' | 'responder';
  local: Endpoint;
  remote: Endpoint;
  spiInitiator: string;
  spiResponder: string;
  proposal?: string;
  establishedAt?: number;
  rekeyAt?: number;
  expiresAt?: number;
  childSaIds: string[];
  /** Which side is behind a NAT, as NAT-D told (RFC 7296 §2.23). */
  nat: { local: boolean; remote: boolean; side: 'none' | 'local' | 'remote' | 'both' };
  /** Moved to the NAT-T port after IKE_SA_INIT. */
  natTPort: boolean;
  peerVendorIds: string[];
  peerIdentity?: string;
  peerAuthLifetimeSeconds?: number;
  /** Tunnel address from a configuration payload: leased to the peer (responder) or given to us (initiator). */
  virtualIp?: string;
  /** Subject DN of the certificate the peer authenticated with (certificate tunnels). */
  peerCertificate?: string;
  fragmentation: boolean;
  lastPeerPacketAt: number;
  msSinceLastPeerPacket: number;
  dpd: { enabled: boolean; state: 'idle' | 'probing' | 'dead'; intervalSeconds?: number };
  outstandingRequest?: { exchange: string; messageId: number; transmissions: number };
}

export interface ChildSaInfo {
  id: string;
  ikeSaId: string;
  tunnel: string | null;
  state: string;
  role: 'initiator' | 'responder';
  spiInbound: string;
  spiOutbound: string;
  localTs: string[];
  remoteTs: string[];
  proposal?: string;
  pfsGroup: number;
  establishedAt?: number;
  rekeyAt?: number;
  expiresAt?: number;
  /** ESP traffic on this CHILD_SA: inner packet bytes and packets, each direction. */
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

export interface PskTestResult {
  failureId: string;
  tunnel: string | null;
  result: 'match' | 'mismatch' | 'no_evidence';
  detail: string;
}

export interface RenderedDatagram {
  datagram: StoredDatagram;
  summary: string;
  /** Header facts for snoop history filters (null when the header does not decode). */
  exchange: string | null;
  messageId: number | null;
  response: boolean | null;
  /** Error notifies the message carries (NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED, ...). */
  errorCodes: string[];
  detail?: unknown;
}

/**
 * The real UDP transport for a config: the engine's listen addresses, or
 * else every tunnel's local endpoint, on the configured IKE and NAT-T ports.
 */
export function udpTransportForConfig(config: GatewayConfig): UdpTransport {
  const addresses = config.engine.listenAddresses.length > 0 ? config.engine.listenAddresses : [...new Set(config.tunnels.map((t) => t.localEndpoint))];
  return new UdpTransport({ addresses, ikePort: config.engine.ikePort, natTPort: config.engine.natTPort });
}

export class IkeGateway {
  readonly datagrams: DatagramStore;
  readonly snoop: { setMode(mode: SnoopMode, options?: SnoopOptions): void; mode(): SnoopMode; peer(): string | undefined };
  /** ESP for every installed CHILD_SA: the data plane's TunnelPort. */
  readonly esp: EspLayer;
  /** Interfaces, routes, rules, flows, ping and trace over the tunnels' ESP. */
  readonly dataPlane: DataPlanePort;
  /** The certificate subsystem the daemon verifies peers with (for the server's certificate routes). */
  readonly certificates: CertificatePort | undefined;
  private stopped = false;
  private readonly core: IkeDaemonCore;
  /** Inputs asked for while the core was busy with another (ESP acquires, volume rekeys): fed right after it. */
  private readonly deferredInputs: CoreInput[] = [];
  private feeding = false;
  private readonly clock: Clock;
  private readonly transport: Transport;
  private readonly snoopFilter = new SnoopFilter();
  private readonly listeners = new Set<GatewayListener>();
  private readonly timers = new Map<string, () => void>();
  private counters: IkeStatCounters = emptyIkeStatCounters();
  private readonly keyCaptureTunnels = new Set<string>();
  private readonly sessionKeyListeners = new Set<SessionKeyListener>();
  /** `ikeSaId|tunnel` of the keys delivered (pruned as SAs go). */
  private readonly keysDelivered = new Set<string>();

  constructor(options: GatewayOptions) {
    this.clock = options.clock ?? systemClock;
    this.transport = options.transport;
    this.datagrams = new DatagramStore(options.datagramStore);
    this.certificates = options.certificates;
    this.core = new IkeDaemonCore({
      ...options.core,
      config: options.config,
      entropy: options.entropy ?? systemEntropy,
      ...(options.certificates ? { certificates: coreCertificatesOf(options.certificates) } : {}),
    });
    const filter = this.snoopFilter;
    const core = this.core;
    // Snoop off drops every line in publish(): let the core skip rendering them.
    core.setSnoopLines(filter.mode() !== 'off');
    this.snoop = {
      setMode(mode, snoopOptions) {
        filter.setMode(mode, snoopOptions);
        core.setSnoopDetail(filter.wantsDetail());
        core.setSnoopLines(mode !== 'off');
      },
      mode: () => filter.mode(),
      peer: () => filter.peerFilter(),
    };
    const defaults = options.config.engine.snoop;
    if (defaults && defaults.mode !== 'off') this.snoop.setMode(defaults.mode, defaults.peer ? { peer: defaults.peer } : {});
    this.esp = new EspLayer(
      {
        clock: this.clock,
        transport: this.transport,
        childSas: core.childSas,
        ikeSas: core.ikeSas,
        config: () => core.config,
        softLifetimeFraction: core.options.softLifetimeFraction,
        request: (input) => this.request(input),
        publish: (event) => this.publish(event),
        dataPlane: () => this.dataPlane,
      },
      options.espErrorIntervalMs !== undefined ? { errorIntervalMs: options.espErrorIntervalMs } : {},
    );
    this.dataPlane = (options.dataPlane ?? createGatewayDataPlane)({ config: options.config, clock: this.clock, tunnels: this.esp });
    this.dataPlane.subscribe((event) => this.publish(event));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.transport.start({
      datagram: (datagram) => this.feed({ kind: 'datagram', datagram }),
      notice: (notice) => {
        if (notice.kind === 'esp') this.esp.receive(notice);
        else this.feed({ kind: 'notice', notice });
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.dataPlane.stop();
    await this.transport.stop();
  }

  subscribe(listener: GatewayListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // --- session-key capture ----------------------------------------------------------

  /**
   * Switches key capture for a tunnel on or off. On: the keys of its IKE SAs
   * that have keys now, and of every later one (new, re-selected into it in
   * IKE_AUTH, or rekeyed), go to the `onSessionKeys` listeners. Off: nothing
   * more is delivered for it.
   */
  setKeyCapture(tunnelName: string, enabled: boolean): void {
    if (!enabled) {
      this.keyCaptureTunnels.delete(tunnelName);
      if (this.keyCaptureTunnels.size === 0) this.keysDelivered.clear();
      return;
    }
    this.keyCaptureTunnels.add(tunnelName);
    this.deliverCapturedKeys();
  }

  /** Tunnels with key capture on. */
  keyCaptureEnabled(): string[] {
    return [...this.keyCaptureTunnels];
  }

  /** The only listener that ever sees key material. Returns its unsubscribe function. */
  onSessionKeys(listener: SessionKeyListener): () => void {
    this.sessionKeyListeners.add(listener);
    return () => {
      this.sessionKeyListeners.delete(listener);
    };
  }

  /** Costs nothing while no tunnel captures; otherwise one pass over the IKE SAs per input. */
  private deliverCapturedKeys(): void {
    if (this.keyCaptureTunnels.size === 0) return;
    for (const delivered of this.keysDelivered) if (!this.core.ikeSas.has(delivered.slice(0, delivered.indexOf('|')))) this.keysDelivered.delete(delivered);
    for (const sa of this.core.ikeSas.values()) {
      const tunnel = sa.tunnel?.name;
      if (!sa.keys || tunnel === undefined || !this.keyCaptureTunnels.has(tunnel)) continue;
      // Keyed from IKE_SA_INIT on (so a failing IKE_AUTH can be decrypted too); keyed per tunnel for a re-selection in IKE_AUTH.
      const deliveryKey = `${sa.id}|${tunnel}`;
      if (this.keysDelivered.has(deliveryKey) || sa.spiR.every((byte) => byte === 0)) continue;
      this.keysDelivered.add(deliveryKey);
      const keys = sa.keys;
      const entry: IkeSaKeyEntry = {
        spiInitiator: new Uint8Array(sa.spiI),
        spiResponder: new Uint8Array(sa.spiR),
        skEi: new Uint8Array(keys.skEi),
        skEr: new Uint8Array(keys.skEr),
        skAi: new Uint8Array(keys.skAi),
        skAr: new Uint8Array(keys.skAr),
        suite: { encr: keys.suite.encr, encrKeyBits: keys.suite.encrKeyBits, integ: keys.suite.integ },
      };
      for (const listener of [...this.sessionKeyListeners]) {
        try {
          listener({ tunnel, ikeSaId: sa.id, entry });
        } catch {
          // Swallowed without its text: it might quote key material.
        }
      }
    }
  }

  // --- commands -------------------------------------------------------------------

  initiate(tunnel: string): GatewayCommandResult {
    return this.command({ kind: 'initiate', tunnel });
  }

  rekeyIkeSa(ikeSaId: string): GatewayCommandResult {
    return this.command({ kind: 'rekey_ike_sa', ikeSaId });
  }

  rekeyChildSa(childSaId: string): GatewayCommandResult {
    return this.command({ kind: 'rekey_child_sa', childSaId });
  }

  deleteIkeSa(ikeSaId: string): GatewayCommandResult {
    return this.command({ kind: 'delete_ike_sa', ikeSaId });
  }

  deleteChildSa(childSaId: string): GatewayCommandResult {
    return this.command({ kind: 'delete_child_sa', childSaId });
  }

  /** Takes a validated config; existing SAs keep running under the tunnel of the same name. */
  applyConfig(config: GatewayConfig): GatewayCommandResult {
    const result = this.command({ kind: 'apply_config', config });
    if (result.ok) {
      this.esp.applyConfig(config);
      this.dataPlane.applyConfig(config);
    }
    return result;
  }

  private command(input: CoreInput): GatewayCommandResult {
    return this.feed(input).result ?? { ok: false, error: 'no result' };
  }

  // --- queries --------------------------------------------------------------------

  /** The `ike -stat` counters, computed from the lifecycle events published so far. */
  stats(): IkeStatCounters {
    return { ...this.counters };
  }

  /** Datagrams dropped without processing, by reason (not part of `ike -stat`). */
  drops(): Record<DropReason, number> {
    return { ...this.core.drops };
  }

  listIkeSas(): IkeSaInfo[] {
    const now = this.clock.now();
    return [...this.core.ikeSas.values()].map((sa) => {
      const dpd = sa.tunnel?.dpd;
      const side = sa.nat.local && sa.nat.remote ? 'both' : sa.nat.local ? 'local' : sa.nat.remote ? 'remote' : 'none';
      return {
        id: sa.id,
        tunnel: sa.tunnel?.name ?? null,
        state: sa.state,
        role: sa.role,
        local: { ...sa.local },
        remote: { ...sa.remote },
        spiInitiator: spiHex(sa.spiI),
        spiResponder: spiHex(sa.spiR),
        ...(sa.proposal ? { proposal: proposalText(sa.proposal) } : {}),
        ...(sa.establishedAt !== undefined ? { establishedAt: sa.establishedAt } : {}),
        ...(sa.rekeyAt !== undefined ? { rekeyAt: sa.rekeyAt } : {}),
        ...(sa.expireAt !== undefined ? { expiresAt: sa.expireAt } : {}),
        childSaIds: [...sa.children],
        nat: { local: sa.nat.local, remote: sa.nat.remote, side },
        natTPort: sa.floatedAt !== undefined,
        peerVendorIds: [...sa.peerVendorIds],
        ...(sa.peerIdentity !== undefined ? { peerIdentity: sa.peerIdentity } : {}),
        ...(sa.peerAuthLifetimeSeconds !== undefined ? { peerAuthLifetimeSeconds: sa.peerAuthLifetimeSeconds } : {}),
        ...(sa.virtualIp !== undefined ? { virtualIp: sa.virtualIp } : {}),
        ...(sa.peerCertificateSubject !== undefined ? { peerCertificate: sa.peerCertificateSubject } : {}),
        fragmentation: sa.peerFragmentation,
        lastPeerPacketAt: sa.lastPeerPacketAt,
        msSinceLastPeerPacket: now - sa.lastPeerPacketAt,
        dpd: { enabled: dpd?.enabled ?? false, state: sa.dpdState, ...(dpd ? { intervalSeconds: dpd.intervalSeconds } : {}) },
        ...(sa.outstanding
          ? { outstandingRequest: { exchange: exchangeLabel(sa.outstanding.exchange), messageId: sa.outstanding.messageId, transmissions: sa.outstanding.attempt + 1 } }
          : {}),
      };
    });
  }

  listChildSas(): ChildSaInfo[] {
    return [...this.core.childSas.values()].map((child) => ({
      id: child.id,
      ikeSaId: child.ikeSaId,
      tunnel: child.tunnel?.name ?? null,
      state: child.state,
      role: child.role,
      spiInbound: spi32Hex(child.spiIn),
      spiOutbound: spi32Hex(child.spiOut),
      localTs: child.localTs.map(describeWireSelector),
      remoteTs: child.remoteTs.map(describeWireSelector),
      ...(child.proposal ? { proposal: proposalText(child.proposal) } : {}),
      pfsGroup: child.pfsGroup,
      ...(child.establishedAt !== undefined ? { establishedAt: child.establishedAt } : {}),
      ...(child.rekeyAt !== undefined ? { rekeyAt: child.rekeyAt } : {}),
      ...(child.expireAt !== undefined ? { expiresAt: child.expireAt } : {}),
      ...(this.esp.counters(child.id) ?? { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 }),
    }));
  }

  /** Kept PSK failures (ids and context, no key material). */
  pskFailures(): Array<{ failureId: string; tunnel: string; ikeSaId: string; keptUntil: number; peer: Endpoint }> {
    return this.core.pskFailures.list(this.clock.now()).map(({ failureId, tunnel, ikeSaId, keptUntil, peer }) => ({ failureId, tunnel, ikeSaId, keptUntil, peer }));
  }

  /**
   * "Would this PSK have worked?" against the AUTH of a failed exchange kept
   * in memory (`failureId` from the incorrect_psk event, or a tunnel name for
   * its newest failure). The candidate is never stored or echoed.
   */
  testPsk(failureIdOrTunnel: string, candidate: PskInput): PskTestResult {
    const now = this.clock.now();
    const record = this.core.pskFailures.get(failureIdOrTunnel, now) ?? this.core.pskFailures.latestFor(failureIdOrTunnel, now);
    if (!record) {
      return { failureId: failureIdOrTunnel, tunnel: null, result: 'no_evidence', detail: 'no failed AUTH is kept for this id or tunnel (expired, or we were the initiator: the peer checked our AUTH)' };
    }
    let key: Uint8Array;
    try {
      key = pskBytes(candidate);
    } catch (error) {
      return { failureId: record.failureId, tunnel: record.tunnel, result: 'mismatch', detail: error instanceof Error ? error.message : 'the candidate key does not parse' };
    }
    const [result] = testCandidates(record, [{ source: 'operator', key }]);
    return {
      failureId: record.failureId,
      tunnel: record.tunnel,
      result: result?.verifies ? 'match' : 'mismatch',
      detail: result?.verifies
        ? `the candidate ${candidate.kind} key verifies the AUTH ${record.peer.address} sent for "${record.tunnel}"`
        : `the candidate ${candidate.kind} key does not verify the AUTH ${record.peer.address} sent for "${record.tunnel}"`,
    };
  }

  /** Candidates the daemon tested for a kept failure (for a diagnosis view), recomputed against the current config. */
  retestPskCandidates(failureId: string): ReturnType<typeof testCandidates> | undefined {
    const record = this.core.pskFailures.get(failureId, this.clock.now());
    if (!record) return undefined;
    const tunnel = this.core.config.tunnels.find((t) => t.name === record.tunnel);
    return tunnel ? testCandidates(record, pskCandidates(this.core.config, tunnel)) : undefined;
  }

  /**
   * A stored datagram rendered again from its bytes: brief summary and, for
   * `full`, the structured decode. Encrypted content is opened with the IKE
   * SA's keys while the SA exists.
   */
  renderDatagram(id: number, mode: 'brief' | 'full' = 'brief'): RenderedDatagram | undefined {
    const datagram = this.datagrams.get(id);
    if (!datagram) return undefined;
    const sa = datagram.ikeSaId ? this.core.ikeSas.get(datagram.ikeSaId) : undefined;
    try {
      const initiatorSent = (datagram.bytes[19] ?? 0) & 0x08;
      const sk = sa?.keys ? { suite: skSuiteOf(sa.keys), keys: skKeysFor(sa.keys, initiatorSent ? 'initiator' : 'responder') } : undefined;
      const message = decodeMessage(datagram.bytes, { ...(sk ? { sk } : {}), verify: false });
      const errorCodes = allPayloads(message)
        .filter((p) => p.type === PayloadType.NOTIFY && p.notifyType < NOTIFY_STATUS_MIN)
        .map((p) => (p.type === PayloadType.NOTIFY ? notifyName(p.notifyType) : ''));
      return {
        datagram,
        summary: summarize(message),
        exchange: exchangeLabel(message.header.exchangeType),
        messageId: message.header.messageId,
        response: message.header.response,
        errorCodes,
        ...(mode === 'full' ? { detail: describeMessage(message) } : {}),
      };
    } catch (error) {
      return { datagram, summary: `undecodable (${error instanceof Error ? error.message : String(error)})`, exchange: null, messageId: null, response: null, errorCodes: [] };
    }
  }

  /** Timer keys and due times (tests and status pages). */
  pendingTimers(): Array<{ key: string; at: number }> {
    return this.core.pendingTimers();
  }

  // --- the loop ---------------------------------------------------------------------

  private feed(input: CoreInput): CoreOutput {
    const outer = !this.feeding;
    this.feeding = true;
    let output: CoreOutput;
    try {
      output = this.core.handle(input, this.clock.now());
      for (const childSaId of this.core.childSaChanges) this.esp.syncChildSa(childSaId);
      this.apply(output);
    } finally {
      if (outer) this.feeding = false;
    }
    if (outer) {
      for (let next = this.deferredInputs.shift(); next; next = this.deferredInputs.shift()) this.feed(next);
    }
    return output;
  }

  /** Runs one certificate verification; its answer goes back to the core unless the gateway stopped meanwhile. */
  private verifyCertificates(request: CertVerifyRequest): void {
    const answer = (verification: PeerVerification): void => {
      if (!this.stopped) this.feed({ kind: 'cert_verified', requestId: request.requestId, verification });
    };
    const port = this.certificates;
    if (!port) {
      queueMicrotask(() => answer({ ok: false, cause: 'local_certificate', message: 'no certificate store configured', evidence: {} }));
      return;
    }
    port.verifyPeer(request.input).then(answer, (error: unknown) =>
      answer({ ok: false, cause: 'local_certificate', message: `the certificate verification failed: ${error instanceof Error ? error.message : String(error)}`, evidence: {} }),
    );
  }

  /** An input from inside the engine (ESP layer): fed now, or right after the input being handled. */
  private request(input: CoreInput): GatewayCommandResult | undefined {
    if (this.feeding) {
      this.deferredInputs.push(input);
      return undefined;
    }
    return this.feed(input).result;
  }

  private apply(output: CoreOutput): void {
    for (const record of output.stored) this.datagrams.add(record);
    for (const datagram of output.send) this.transport.send(datagram);
    for (const timer of output.timers) {
      this.timers.get(timer.key)?.();
      this.timers.delete(timer.key);
      if (timer.at !== null) {
        const key = timer.key;
        const cancel = this.clock.setTimer(timer.at, () => {
          this.timers.delete(key);
          this.feed({ kind: 'timer', key });
        });
        this.timers.set(key, cancel);
      }
    }
    for (const event of output.events) this.publish(event);
    for (const request of output.verify ?? []) this.verifyCertificates(request);
    this.deliverCapturedKeys();
  }

  private publish(event: GatewayEvent): void {
    if (event.type === 'snoop.message') {
      const line = this.snoopFilter.apply(event);
      if (!line) return;
      event = line;
    } else {
      this.counters = applyEvent(this.counters, event);
    }
    // The common daemon case under load: nobody listening, nothing to copy.
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the daemon or the other listeners.
      }
    }
  }
}

function exchangeLabel(exchange: number): string {
  return { 34: 'IKE_SA_INIT', 35: 'IKE_AUTH', 36: 'CREATE_CHILD_SA', 37: 'INFORMATIONAL' }[exchange] ?? `EXCHANGE(${exchange})`;
}
