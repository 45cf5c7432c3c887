/**
 * The gateway's ESP layer (RFC 4303 in UDP encapsulation, RFC 3948): the
 * `TunnelPort` of the data plane, and the receiver of ESP-in-UDP notices.
 *
 *   core CHILD_SA installed/removed --> syncChildSa(id) --> EspSaEntry
 *        (outbound SA + inbound SA from child.keys, counters, volume limits)
 *
 *   DataPlane.send(tunnel, inner) --> entries of the tunnel, usable, whose
 *        traffic selectors cover (src, dst) --> sealEsp --> UDP from our
 *        NAT-T endpoint of the IKE SA to the peer's --> counters, observeEsp,
 *        volume soft limit -> rekey_child_sa, hard limit -> stop + delete
 *      (no usable CHILD_SA: `no_sa`, and an acquire: `initiate` the tunnel,
 *       at most once per ACQUIRE_INTERVAL_MS per tunnel)
 *
 *   notice {kind:'esp'} --> entry by SPI (unknown: dataplane.esp.error
 *        unknown_spi) --> openEsp (integrity, replay, padding, ...: counted,
 *        rate-limited dataplane.esp.error) --> counters, observeEsp -->
 *        inner IPv4 inside the CHILD_SA's selectors? --> DataPlane
 *        .receiveFromTunnel (else dataplane.packet.dropped ts_mismatch)
 *
 * A rekeyed CHILD_SA stays here for inbound traffic until the core removes
 * it (its DELETE), while outbound moves to the newest installed one. Core
 * objects are read live (state, IKE SA endpoints after a NAT-T float); the
 * core is only driven through `host.request` (inputs like an operator's).
 * Nothing here throws for a packet's content.
 */
import type { GatewayConfig } from '@tunnelscope/api';
import { createReplayWindow, openEsp, sealEsp, type EspInboundSa, type EspOutboundSa, type EspSuite } from '@tunnelscope/ike';
import type { DataPlanePort, TunnelDescription, TunnelPort, TunnelSendResult } from '../dataplane/contract.ts';
import { protocolName } from '../dataplane/ipv4-packet.ts';
import type { CoreInput, GatewayCommandResult, GatewayEvent } from '../ike/core-io.ts';
import type { ChildSa, IkeSa } from '../ike/ike-sa.ts';
import { espSuiteOf } from '../ike/child-negotiation.ts';
import { describeWireSelector } from '../ike/tunnel-profile.ts';
import type { Clock } from '../io/clock.ts';
import type { Endpoint, Transport, TransportNotice } from '../io/transport.ts';
import { EspErrorReporter, type EspErrorCode } from './esp-error-reporter.ts';
import { parseIpv4 } from '../dataplane/ipv4-address.ts';
import { coversInbound, coversOutbound, peekInnerIpv4, type InnerPacketFacts } from './esp-inner-packet.ts';

/** At most one acquire (negotiation started by traffic) per tunnel in this time. */
export const ACQUIRE_INTERVAL_MS = 5_000;
/** A volume rekey that the core refused (busy) is asked again after this long. */
const VOLUME_REKEY_RETRY_MS = 2_000;
const ESN_TRANSFORM_TYPE = 5;
const IPV4_NEXT_HEADER = 4;
const NO_NEXT_HEADER = 59;

/** Per-CHILD_SA traffic counters (inner packet bytes, as a kernel's SA byte counters). */
export interface EspSaCounters {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

/** What the ESP layer needs from the gateway that owns it. */
export interface EspLayerHost {
  clock: Clock;
  transport: Pick<Transport, 'sendRaw'>;
  /** The core's tables, read live. */
  childSas: ReadonlyMap<string, ChildSa>;
  ikeSas: ReadonlyMap<string, IkeSa>;
  config(): GatewayConfig;
  /** Soft volume limit = hard limit * this (the core's soft lifetime fraction). */
  softLifetimeFraction: number;
  /** Feeds an input to the core as an operator command would (may be deferred while the core is busy). */
  request(input: CoreInput): GatewayCommandResult | undefined;
  publish(event: GatewayEvent): void;
  dataPlane(): DataPlanePort | undefined;
}

interface EspSaEntry {
  childSaId: string;
  tunnel: string | null;
  /** The core's object: its state and IKE SA id (which changes when the IKE SA is rekeyed) are read live. */
  child: ChildSa;
  outbound: EspOutboundSa;
  inbound: EspInboundSa;
  counters: EspSaCounters;
  /** Volume limits in bytes (0: none). */
  softBytes: number;
  hardBytes: number;
  volumeRekeyAskedAt?: number;
  hardLimitReached: boolean;
  /** Which hard limit: the operator text of sa_expired. */
  hardLimitText?: string;
  /** Where authenticated ESP of this CHILD_SA's IKE SA came from (the peer's NAT mapping): outbound goes back there. */
  learned?: { local: Endpoint; remote: Endpoint };
}

export class EspLayer implements TunnelPort {
  private readonly byChild = new Map<string, EspSaEntry>();
  private readonly byInboundSpi = new Map<number, EspSaEntry>();
  private readonly byTunnel = new Map<string, Set<EspSaEntry>>();
  private readonly lastAcquireAt = new Map<string, number>();
  private readonly errors: EspErrorReporter;

  constructor(
    private readonly host: EspLayerHost,
    options: { errorIntervalMs?: number } = {},
  ) {
    this.errors = new EspErrorReporter(options.errorIntervalMs);
  }

  // --- SA table -----------------------------------------------------------------

  /** Brings the entry of one CHILD_SA in line with the core: installs it once keyed, removes it once gone. */
  syncChildSa(childSaId: string): void {
    const child = this.host.childSas.get(childSaId);
    const existing = this.byChild.get(childSaId);
    if (child && child.keys && child.proposal && child.state !== 'installing') {
      if (!existing || existing.child !== child) {
        if (existing) this.remove(existing);
        this.install(child);
      }
      return;
    }
    if (existing) this.remove(existing);
  }

  private install(child: ChildSa): void {
    const keys = child.keys!;
    const proposal = child.proposal!;
    const esn = proposal.transforms.some((t) => t.transformType === ESN_TRANSFORM_TYPE && t.transformId === 1);
    const suite: EspSuite = { ...espSuiteOf(proposal), esn };
    // RFC 7296 §2.17: initiator-to-responder keys first, "initiator" being who started the exchange that made the CHILD_SA.
    const [outKeys, inKeys] = child.role === 'initiator' ? [keys.initiatorToResponder, keys.responderToInitiator] : [keys.responderToInitiator, keys.initiatorToResponder];
    const tunnel = child.tunnel?.name ?? this.host.ikeSas.get(child.ikeSaId)?.tunnel?.name ?? null;
    const entry: EspSaEntry = {
      childSaId: child.id,
      tunnel,
      child,
      outbound: { spi: child.spiOut, suite, encKey: outKeys.encKey, integKey: outKeys.integKey, nextSequence: 1n },
      inbound: { spi: child.spiIn, suite, encKey: inKeys.encKey, integKey: inKeys.integKey, replay: createReplayWindow({ esn }) },
      counters: { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 },
      softBytes: 0,
      hardBytes: 0,
      hardLimitReached: false,
    };
    this.applyVolumeLimits(entry, this.host.config());
    // A rekeyed CHILD_SA's successor keeps talking to where its predecessor's ESP came from.
    for (const other of tunnel !== null ? (this.byTunnel.get(tunnel) ?? []) : []) {
      if (other.child.ikeSaId === child.ikeSaId && other.learned) entry.learned = other.learned;
    }
    this.byChild.set(child.id, entry);
    this.byInboundSpi.set(child.spiIn, entry);
    if (tunnel !== null) {
      let set = this.byTunnel.get(tunnel);
      if (!set) this.byTunnel.set(tunnel, (set = new Set()));
      set.add(entry);
    }
  }

  private remove(entry: EspSaEntry): void {
    this.byChild.delete(entry.childSaId);
    if (this.byInboundSpi.get(entry.inbound.spi) === entry) this.byInboundSpi.delete(entry.inbound.spi);
    if (entry.tunnel !== null) {
      const set = this.byTunnel.get(entry.tunnel);
      set?.delete(entry);
      if (set?.size === 0) this.byTunnel.delete(entry.tunnel);
    }
    this.host.dataPlane()?.childSaRemoved(entry.childSaId);
  }

  /** New config: volume limits follow the tunnels' ipsecLifetimeKilobytes. */
  applyConfig(config: GatewayConfig): void {
    for (const entry of this.byChild.values()) this.applyVolumeLimits(entry, config);
  }

  private applyVolumeLimits(entry: EspSaEntry, config: GatewayConfig): void {
    const kilobytes = config.tunnels.find((t) => t.name === entry.tunnel)?.ipsecLifetimeKilobytes ?? entry.child.tunnel?.ipsecLifetimeKilobytes ?? 0;
    entry.hardBytes = kilobytes * 1024;
    entry.softBytes = Math.floor(entry.hardBytes * this.host.softLifetimeFraction);
  }

  /** Counters of a CHILD_SA's ESP traffic (undefined when it has no ESP state). */
  counters(childSaId: string): EspSaCounters | undefined {
    const entry = this.byChild.get(childSaId);
    return entry ? { ...entry.counters } : undefined;
  }

  /** ESP failures so far by code. */
  errorTotals(): Partial<Record<EspErrorCode, number>> {
    return this.errors.totalsByCode();
  }

  // --- outbound -----------------------------------------------------------------

  send(tunnel: string, packet: Uint8Array): TunnelSendResult {
    const peek = peekInnerIpv4(packet);
    if (!peek.ok) return { ok: false, reason: 'send_failed', detail: `not sent into "${tunnel}": ${peek.detail}` };
    const choice = this.chooseOutbound(tunnel, peek.facts, false);
    if (choice.ok) return this.sealAndSend(choice.entry, packet);
    const detail = choice.reason === 'no_sa' ? `${choice.detail}; ${this.acquire(tunnel)}` : choice.detail;
    return { ok: false, reason: choice.reason, detail };
  }

  /** For a packet trace: the CHILD_SA a packet from `source` to `destination` would leave on (no side effects; any protocol and port). */
  describe(tunnel: string, source: string, destination: string): TunnelDescription {
    const sourceValue = parseIpv4(source);
    const destinationValue = parseIpv4(destination);
    if (sourceValue === undefined || destinationValue === undefined) {
      return { ok: false, reason: 'ts_mismatch', detail: `${sourceValue === undefined ? source : destination} is not an IPv4 address` };
    }
    const choice = this.chooseOutbound(tunnel, { source, destination, sourceValue, destinationValue, protocol: 0 }, true);
    if (!choice.ok) return { ok: false, reason: choice.reason, detail: choice.detail };
    const child = choice.entry.child;
    return {
      ok: true,
      childSaId: child.id,
      spi: choice.entry.outbound.spi,
      selectors: `${child.localTs.map(describeWireSelector).join(', ')} === ${child.remoteTs.map(describeWireSelector).join(', ')}`,
      detail: `${child.id} (SPI 0x${hex32(choice.entry.outbound.spi)} out) of "${tunnel}" covers ${source} -> ${destination}`,
    };
  }

  /** The tunnel has a usable CHILD_SA (installed or rekeying, its IKE SA up): what keep-alive asks before each probe. */
  hasSa(tunnel: string): boolean {
    for (const entry of this.byTunnel.get(tunnel) ?? []) {
      const state = entry.child.state;
      if (state !== 'installed' && state !== 'rekeying') continue;
      const sa = this.host.ikeSas.get(entry.child.ikeSaId);
      if (sa && (sa.state === 'established' || sa.state === 'rekeyed')) return true;
    }
    return false;
  }

  /** Keep-alive's tunnel monitor gave up on the tunnel: the core deletes its SAs and negotiates it again. */
  renegotiate(tunnel: string, reason: string): string | undefined {
    this.lastAcquireAt.set(tunnel, this.host.clock.now());
    const result = this.host.request({ kind: 'renegotiate_tunnel', tunnel, reason });
    if (!result) return 'renegotiation queued';
    return result.ok ? `renegotiating (${result.ikeSaId ?? 'queued'})` : `cannot renegotiate: ${result.error}`;
  }

  /**
   * The outbound CHILD_SA for a packet: of the tunnel's installed ones
   * (IKE SA up) whose selectors cover it, the newest (after a rekey, the
   * successor) that has not reached its hard limit.
   */
  private chooseOutbound(
    tunnel: string,
    facts: InnerPacketFacts,
    addressesOnly: boolean,
  ): { ok: true; entry: EspSaEntry } | { ok: false; reason: 'no_sa' | 'ts_mismatch' | 'sa_expired'; detail: string } {
    let usable = 0;
    let covering: EspSaEntry | undefined;
    let expired: EspSaEntry | undefined;
    for (const entry of this.byTunnel.get(tunnel) ?? []) {
      const state = entry.child.state;
      if (state !== 'installed' && state !== 'rekeying') continue;
      const sa = this.host.ikeSas.get(entry.child.ikeSaId);
      if (!sa || (sa.state !== 'established' && sa.state !== 'rekeyed')) continue;
      usable++;
      if (!coversOutbound(entry.child.localTs, entry.child.remoteTs, facts, addressesOnly)) continue;
      if (entry.hardLimitReached) {
        expired = entry;
        continue;
      }
      if (!covering || (entry.child.establishedAt ?? 0) >= (covering.child.establishedAt ?? 0)) covering = entry;
    }
    if (covering) return { ok: true, entry: covering };
    if (usable === 0) return { ok: false, reason: 'no_sa', detail: `no CHILD_SA of "${tunnel}" is up` };
    if (expired) {
      return { ok: false, reason: 'sa_expired', detail: `${expired.childSaId} of "${tunnel}" reached its ${expired.hardLimitText ?? 'hard limit'} and is being replaced` };
    }
    const protocol = addressesOnly ? '' : ` (protocol ${facts.protocol})`;
    return { ok: false, reason: 'ts_mismatch', detail: `no CHILD_SA of "${tunnel}" has traffic selectors covering ${facts.source} -> ${facts.destination}${protocol}` };
  }

  private sealAndSend(entry: EspSaEntry, packet: Uint8Array): TunnelSendResult {
    const sa = this.host.ikeSas.get(entry.child.ikeSaId)!;
    let sealed;
    try {
      sealed = sealEsp(entry.outbound, { nextHeader: IPV4_NEXT_HEADER, payload: packet });
    } catch (error) {
      return { ok: false, reason: 'send_failed', detail: `${entry.childSaId}: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!sealed.ok) {
      this.reachHardLimit(entry, 'sequence number space');
      return { ok: false, reason: 'sa_expired', detail: `${entry.childSaId}: ${sealed.detail}` };
    }
    entry.outbound = { ...entry.outbound, nextSequence: sealed.nextSequence };
    const { local, remote } = entry.learned ?? this.espEndpoints(sa);
    this.host.transport.sendRaw(local, remote, sealed.packet);
    entry.counters.bytesOut += sealed.payloadBytes;
    entry.counters.packetsOut++;
    this.host.dataPlane()?.observeEsp({
      direction: 'out',
      localAddress: local.address,
      remoteAddress: remote.address,
      spi: entry.outbound.spi,
      bytes: sealed.packetBytes,
      tunnel: entry.tunnel,
      childSaId: entry.childSaId,
    });
    this.checkVolume(entry);
    return { ok: true, childSaId: entry.childSaId, spi: entry.outbound.spi, bytes: sealed.packetBytes };
  }

  /**
   * Where ESP for an IKE SA goes (unless the peer's ESP showed otherwise):
   * the IKE SA's endpoints once on the NAT-T port (after the float, RFC 7296
   * §2.23), else our NAT-T port towards the peer's (4500 for a peer on 500;
   * for a peer on our own IKE port, our NAT-T port: the same layout).
   */
  private espEndpoints(sa: IkeSa): { local: Endpoint; remote: Endpoint } {
    const { ikePort, natTPort } = this.host.config().engine;
    if (sa.floatedAt !== undefined || sa.local.port === natTPort) return { local: sa.local, remote: sa.remote };
    const remotePort = sa.remote.port === 500 ? 4500 : sa.remote.port === ikePort ? natTPort : sa.remote.port;
    return { local: { address: sa.local.address, port: natTPort }, remote: { address: sa.remote.address, port: remotePort } };
  }

  /** Starts a negotiation for a tunnel with no CHILD_SA (a kernel's acquire), rate-limited. Returns what happened, for the drop text. */
  private acquire(tunnel: string): string {
    const now = this.host.clock.now();
    const last = this.lastAcquireAt.get(tunnel);
    if (last !== undefined && now - last < ACQUIRE_INTERVAL_MS) return 'a negotiation was requested less than 5 s ago';
    this.lastAcquireAt.set(tunnel, now);
    for (const sa of this.host.ikeSas.values()) {
      if (sa.tunnel?.name !== tunnel) continue;
      if (sa.state === 'init_sent' || sa.state === 'auth_sent' || sa.state === 'half_open') return `IKE SA ${sa.id} is being negotiated`;
      for (const id of sa.children) if (this.host.childSas.get(id)?.state === 'installing') return `CHILD_SA ${id} is being negotiated`;
    }
    const result = this.host.request({ kind: 'initiate', tunnel });
    if (!result) return 'a negotiation is queued';
    return result.ok ? `negotiation started (${result.childSaId ?? result.ikeSaId ?? 'queued'})` : `cannot negotiate: ${result.error}`;
  }

  // --- volume lifetimes ---------------------------------------------------------

  private checkVolume(entry: EspSaEntry): void {
    if (entry.hardBytes === 0) return;
    const used = Math.max(entry.counters.bytesIn, entry.counters.bytesOut);
    if (used >= entry.hardBytes) {
      this.reachHardLimit(entry, `volume limit of ${entry.hardBytes / 1024} KB`);
      return;
    }
    if (used < entry.softBytes || entry.child.state !== 'installed') return;
    const now = this.host.clock.now();
    if (entry.volumeRekeyAskedAt !== undefined && now - entry.volumeRekeyAskedAt < VOLUME_REKEY_RETRY_MS) return;
    entry.volumeRekeyAskedAt = now;
    this.host.request({ kind: 'rekey_child_sa', childSaId: entry.childSaId });
  }

  /**
   * Hard limit (volume or sequence space, RFC 4301 §4.4.2.1): no more
   * outbound on it. A rekey in flight replaces it (and its initiator deletes
   * it); otherwise it is deleted now and the next packet negotiates anew.
   */
  private reachHardLimit(entry: EspSaEntry, what: string): void {
    if (entry.hardLimitReached) return;
    entry.hardLimitReached = true;
    entry.hardLimitText = what;
    if (entry.child.state === 'installed') this.host.request({ kind: 'delete_child_sa', childSaId: entry.childSaId });
  }

  // --- inbound ------------------------------------------------------------------

  /** ESP-in-UDP from the transport. Never throws. */
  receive(notice: Extract<TransportNotice, { kind: 'esp' }>): void {
    const now = this.host.clock.now();
    const { local, remote, payload } = notice;
    const entry = this.byInboundSpi.get(notice.spi);
    const dataPlane = this.host.dataPlane();
    if (!entry) {
      const tunnel = this.tunnelOfPeer(remote.address);
      dataPlane?.observeEsp({ direction: 'in', localAddress: local.address, remoteAddress: remote.address, spi: notice.spi, bytes: payload.length, tunnel });
      this.reportError(
        {
          code: 'unknown_spi',
          spi: notice.spi,
          local,
          remote,
          tunnel,
          message: `ESP from ${remote.address}:${remote.port} for SPI 0x${hex32(notice.spi)}, which is no CHILD_SA of ours${tunnel ? ` (the peer of "${tunnel}")` : ''}: the tunnel is up on the peer's side only`,
        },
        now,
      );
      return;
    }
    let opened;
    try {
      opened = openEsp(entry.inbound, payload);
    } catch (error) {
      opened = { ok: false as const, reason: 'length' as const, detail: error instanceof Error ? error.message : String(error) };
    }
    if (!opened.ok) {
      this.reportError(
        {
          code: opened.reason,
          spi: notice.spi,
          local,
          remote,
          tunnel: entry.tunnel,
          childSaId: entry.childSaId,
          message: `ESP from ${remote.address}:${remote.port} on ${entry.childSaId} (SPI 0x${hex32(notice.spi)}) dropped: ${opened.detail}`,
        },
        now,
      );
      return;
    }
    entry.inbound = { ...entry.inbound, replay: opened.replay };
    entry.counters.bytesIn += opened.payloadBytes;
    entry.counters.packetsIn++;
    const sa = this.host.ikeSas.get(entry.child.ikeSaId);
    if (sa) {
      // RFC 7296 §2.4: authenticated ESP from the peer shows it is alive.
      sa.lastPeerPacketAt = Math.max(sa.lastPeerPacketAt, now);
      const learned = entry.learned;
      if (!learned || !sameEndpoint(learned.local, local) || !sameEndpoint(learned.remote, remote)) {
        entry.learned = { local: { ...local }, remote: { ...remote } };
      }
    }
    dataPlane?.observeEsp({
      direction: 'in',
      localAddress: local.address,
      remoteAddress: remote.address,
      spi: notice.spi,
      bytes: opened.packetBytes,
      tunnel: entry.tunnel,
      childSaId: entry.childSaId,
    });
    this.checkVolume(entry);
    this.deliverInner(entry, opened.nextHeader, opened.payload, now);
  }

  private deliverInner(entry: EspSaEntry, nextHeader: number, inner: Uint8Array, now: number): void {
    if (nextHeader === NO_NEXT_HEADER) return; // RFC 4303 §2.6: a dummy packet.
    const tunnel = entry.tunnel ?? '(no tunnel)';
    if (nextHeader !== IPV4_NEXT_HEADER) {
      this.dropInner(now, 'malformed', `ESP on ${entry.childSaId} carries next header ${nextHeader}; only IPv4 (4) is forwarded`, tunnel, { source: '?', destination: '?', protocol: String(nextHeader) });
      return;
    }
    const peek = peekInnerIpv4(inner);
    if (!peek.ok) {
      this.dropInner(now, 'malformed', `inner packet on ${entry.childSaId}: ${peek.detail}`, tunnel, { source: '?', destination: '?', protocol: 'IP' });
      return;
    }
    const facts = peek.facts;
    if (!coversInbound(entry.child.localTs, entry.child.remoteTs, facts)) {
      this.dropInner(
        now,
        'ts_mismatch',
        `${facts.source} -> ${facts.destination} arrived on ${entry.childSaId} of "${tunnel}" but is outside its traffic selectors (RFC 4301 §5.2: inbound policy check)`,
        tunnel,
        { source: facts.source, destination: facts.destination, protocol: protocolName(facts.protocol) },
      );
      return;
    }
    if (entry.tunnel === null) return;
    this.host.dataPlane()?.receiveFromTunnel(entry.tunnel, entry.childSaId, inner);
  }

  private dropInner(now: number, code: string, message: string, tunnel: string, packet: { source: string; destination: string; protocol: string }): void {
    this.host.publish({ type: 'dataplane.packet.dropped', time: now, code, message, sourceInterface: tunnel, tunnel, ...packet });
  }

  private reportError(report: Parameters<EspErrorReporter['report']>[0], now: number): void {
    const event = this.errors.report(report, now);
    if (event) this.host.publish(event);
  }

  /** The tunnel whose peer has this address: an IKE SA's remote, else a configured remote endpoint. */
  private tunnelOfPeer(address: string): string | null {
    for (const sa of this.host.ikeSas.values()) if (sa.remote.address === address && sa.tunnel) return sa.tunnel.name;
    return this.host.config().tunnels.find((t) => t.remoteEndpoint === address)?.name ?? null;
  }
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.address === b.address && a.port === b.port;
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
