/**
 * The IKEv2 daemon core: a deterministic state machine over all IKE SAs.
 *
 *   handle(input, now)
 *     datagram  -> version check (IKEv1?) -> header -> IKE SA lookup by our SPI
 *               -> decrypt (SK / SKF reassembly) -> message id window
 *               -> exchange handler (ike-sa-init, ike-auth, create-child-sa, informational)
 *     timer     -> retransmit / DPD / rekey / expiry / half-open / fragment timeout
 *     command   -> initiate, rekey, delete, apply config
 *   returns { send, stored, events, timers, result }
 *
 * No IO, no clock, no randomness of its own: `now` comes with each input,
 * randomness from the injected `Entropy`. The exchange logic lives in one
 * file per exchange; this file owns the SA tables, the request window,
 * message encoding/sending (with SK and RFC 7383 fragments), timers,
 * evidence (datagram ids) and the coded log events (error-codes.ts).
 */
import type {
  GatewayConfig,
  LogEvent,
  TunnelConfig,
  TunnelSelectionRecord,
} from '@tunnelscope/api';
import {
  ExchangeType,
  IkeParseError,
  IkeVerifyError,
  NotifyType,
  decodeHeader,
  decodeMessage,
  decodeReassembledMessage,
  describeMessage,
  encodeFragments,
  encodeMessage,
  encryptionAlgorithm,
  reassembleFragments,
  skKeysFor,
  skSuiteOf,
  summarize,
  type IkeHeader,
  type IkeMessage,
  type Payload,
  type Proposal,
} from '@tunnelscope/ike';
import type { Datagram, Endpoint, TransportNotice } from '../io/transport.ts';
import type { StoredDatagram } from '../snoop/datagram-store.ts';
import type { CertificatePort } from '../certs/contract.ts';
import type { CertVerifyRequest, GatewayCommandResult, CoreInput, CoreOutput, GatewayEvent, TimerRequest } from './core-io.ts';
import { onCertVerified, type PendingCertAuth } from './certificate-auth.ts';
import { randomBelow, randomIkeSpi, type Entropy } from './entropy.ts';
import { DROP_REASONS, IKE_FAILURE_CONDITIONS, type DropReason, type IkeFailureCondition } from './error-codes.ts';
import { handleAuthRequest, handleAuthResponse } from './ike-auth.ts';
import { handleInitRequest, handleInitResponse, startInitiator } from './ike-sa-init.ts';
import { handleCreateChildRequest, handleCreateChildResponse, rekeyChildWhenDue, rekeyIkeWhenDue, rekeyRetryDelayMs, startChildRekey, startIkeRekey } from './create-child-sa.ts';
import { handleInformationalRequest, handleInformationalResponse, handlePeerLostSa, startDeleteChild, startDeleteIke, startDpd } from './informational.ts';
import { AddressPools } from './address-pool.ts';
import { releaseVirtualIp } from './config-payloads.ts';
import { CookieJar } from './cookies.ts';
import { PskFailureStore } from './psk-candidates.ts';
import { DEFAULT_RETRANSMIT_POLICY, onRetransmitTimer, retransmitDelayMs, type RetransmitPolicy } from './retransmit.ts';
import { spiHex, type ChildSa, type IkeSa, type RequestPurpose } from './ike-sa.ts';
import { bytesEqual, findNotify, headerMajorVersion, notifyName, notifyPayload } from './wire.ts';

export interface CoreOptions {
  config: GatewayConfig;
  entropy: Entropy;
  /** Largest IKE datagram (IP packet) before RFC 7383 fragmentation; 0 disables fragmentation support. */
  fragmentMtu?: number;
  halfOpenTimeoutMs?: number;
  /** How long the material of a failed AUTH is kept for `testPsk`. */
  pskEvidenceKeepMs?: number;
  /** A fragmented message that is not complete after this long is given up. */
  reassemblyTimeoutMs?: number;
  /** Rekey at lifetime * (softFraction - jitter), jitter uniform in [0, rekeyJitter). */
  softLifetimeFraction?: number;
  rekeyJitter?: number;
  /** Compute the `-full` structured decode for snoop lines. */
  snoopDetail?: boolean;
  /**
   * Local credentials and trust anchor hashes for certificate tunnels (read
   * synchronously; peer verification goes through `verify` outputs).
   * Without it certificate tunnels fail with cause local_certificate.
   */
  certificates?: CoreCertificates;
  /** A certificate verification not answered in this time fails as crl_unreachable. */
  certVerifyTimeoutMs?: number;
}

/** What the core reads of the certificate subsystem, synchronously. */
export type CoreCertificates = Pick<CertificatePort, 'localCredential' | 'trustAnchorKeyHashes'>;

export interface SnoopContext {
  direction: 'in' | 'out';
  local: Endpoint;
  remote: Endpoint;
  marker: boolean;
  datagramIds: number[];
  sa?: IkeSa;
}

const EMPTY = new Uint8Array(0);
const ZERO_SPI = new Uint8Array(8);

export class IkeDaemonCore {
  config: GatewayConfig;
  readonly entropy: Entropy;
  readonly options: Required<Omit<CoreOptions, 'config' | 'entropy' | 'certificates'>>;
  readonly certificates: CoreCertificates | undefined;
  /** Certificate IKE_AUTHs parked for verification, by request id (certificate-auth.ts). */
  readonly pendingCertAuth = new Map<string, PendingCertAuth>();
  now = 0;

  readonly ikeSas = new Map<string, IkeSa>();
  readonly childSas = new Map<string, ChildSa>();
  /**
   * Ids of CHILD_SAs keyed or removed while handling the current input
   * (cleared at the start of each): the gateway's ESP layer installs and
   * drops its SA state from it after each `handle`.
   */
  readonly childSaChanges = new Set<string>();
  /** Our SPI (hex) -> IKE SA id. */
  private readonly bySpi = new Map<string, string>();
  /** Responder half-open SAs by the initiator's SPI and address (IKE_SA_INIT retransmissions). */
  private readonly halfOpenByInit = new Map<string, string>();
  /**
   * Registered SAs that were half-open when registered and may still be:
   * halfOpenCount() prunes the ones that moved on, so each IKE_SA_INIT costs
   * O(half-open) instead of a scan of every SA (20 k+ SAs under load). An SA
   * only enters 'half_open' at creation, never later.
   */
  private readonly halfOpenCandidates = new Set<IkeSa>();
  private snoopLines = true;
  readonly drops: Record<DropReason, number> = Object.fromEntries(Object.keys(DROP_REASONS).map((k) => [k, 0])) as Record<DropReason, number>;
  readonly cookies: CookieJar;
  readonly pskFailures: PskFailureStore;
  /** Roaming clients' tunnel addresses (config-payloads.ts). */
  readonly addressPools = new AddressPools();

  private readonly peerOffers = new Map<string, Proposal[]>();
  /** Last answers of refused negotiations, by our SPI, for the peer's retransmissions. */
  private readonly tombstones = new Map<string, { response: NonNullable<IkeSa['lastResponse']>; until: number }>();
  /** IKE SAs we closed right after a one-way notice (sendFinalNotice): our SPI -> the notice's message id, until when its answer is expected. */
  private readonly finalNotices = new Map<string, { messageId: number; until: number }>();
  /** The last coded event emitted (for callers that report it as a lifecycle failure). */
  lastLog: LogEvent | undefined;
  private timers = new Map<string, number>();
  private readonly timerHandlers = new Map<string, () => void>();
  private nextDatagramId = 1;
  private nextIkeSaNumber = 1;
  private nextChildSaNumber = 1;
  private out: CoreOutput = emptyOutput();
  /**
   * Timer keys touched while handling the current input, each with the due
   * time the shell held for it before (undefined: none). flushTimers turns
   * exactly these into TimerRequests, so the cost of an input does not grow
   * with the number of SAs (a full snapshot and diff of every timer did).
   */
  private timerBefore = new Map<string, number | undefined>();

  constructor(options: CoreOptions) {
    this.config = options.config;
    this.entropy = options.entropy;
    this.options = {
      fragmentMtu: options.fragmentMtu ?? 1280,
      halfOpenTimeoutMs: options.halfOpenTimeoutMs ?? 30_000,
      pskEvidenceKeepMs: options.pskEvidenceKeepMs ?? 15 * 60_000,
      reassemblyTimeoutMs: options.reassemblyTimeoutMs ?? 30_000,
      softLifetimeFraction: options.softLifetimeFraction ?? 0.9,
      rekeyJitter: options.rekeyJitter ?? 0.05,
      snoopDetail: options.snoopDetail ?? false,
      certVerifyTimeoutMs: options.certVerifyTimeoutMs ?? 10_000,
    };
    this.certificates = options.certificates;
    this.cookies = new CookieJar(this.entropy);
    this.pskFailures = new PskFailureStore();
  }

  get retransmitPolicy(): RetransmitPolicy {
    const r = this.config.engine.retransmit;
    return r ? { timeoutMs: r.initialTimeoutMs, base: r.backoff, tries: r.tries } : DEFAULT_RETRANSMIT_POLICY;
  }

  setSnoopDetail(enabled: boolean): void {
    this.options.snoopDetail = enabled;
  }

  /**
   * Whether snoop.message events are produced at all. The gateway turns them
   * off while its snoop filter is off (it would drop every line): rendering a
   * summary for every datagram nobody reads cost ~1% of a handshake. The
   * datagram store and the evidence ids in other events do not depend on it.
   */
  setSnoopLines(enabled: boolean): void {
    this.snoopLines = enabled;
  }

  // --- the one entry point ----------------------------------------------------

  handle(input: CoreInput, now: number): CoreOutput {
    this.now = Math.max(this.now, now);
    this.out = emptyOutput();
    this.timerBefore = new Map();
    this.childSaChanges.clear();
    try {
      this.dispatch(input);
    } catch (error) {
      // Nothing a peer sends may stop the daemon: count it, tell the operator, keep going.
      this.onInternalError(input, error);
    } finally {
      this.flushTimers();
    }
    return this.out;
  }

  private dispatch(input: CoreInput): void {
    switch (input.kind) {
      case 'datagram':
        this.onDatagram(input.datagram);
        return;
      case 'notice':
        this.onNotice(input.notice);
        return;
      case 'timer': {
        // The shell no longer holds this timer (it just fired). If the handler
        // re-arms the key at the same instant (a timer that fired a little
        // early re-checks and finds it is not due yet), flushTimers must still
        // tell the shell to arm it, so it may not count as already armed.
        this.timerBefore.set(input.key, undefined);
        this.timers.delete(input.key);
        const handler = this.timerHandlers.get(input.key);
        this.timerHandlers.delete(input.key);
        handler?.();
        return;
      }
      case 'initiate':
        this.out.result = this.initiate(input.tunnel);
        return;
      case 'rekey_ike_sa': {
        const sa = this.ikeSas.get(input.ikeSaId);
        this.out.result = sa && sa.state === 'established' ? startIkeRekey(this, sa) : fail(`no established IKE SA ${input.ikeSaId}`);
        return;
      }
      case 'rekey_child_sa': {
        const child = this.childSas.get(input.childSaId);
        this.out.result = child && child.state === 'installed' ? startChildRekey(this, child) : fail(`no installed CHILD_SA ${input.childSaId}`);
        return;
      }
      case 'delete_ike_sa': {
        const sa = this.ikeSas.get(input.ikeSaId);
        this.out.result = sa ? startDeleteIke(this, sa, 'deleted-locally') : fail(`no IKE SA ${input.ikeSaId}`);
        return;
      }
      case 'delete_child_sa': {
        const child = this.childSas.get(input.childSaId);
        this.out.result = child ? startDeleteChild(this, child) : fail(`no CHILD_SA ${input.childSaId}`);
        return;
      }
      case 'renegotiate_tunnel':
        this.out.result = this.renegotiateTunnel(input.tunnel, input.reason);
        return;
      case 'cert_verified':
        onCertVerified(this, input.requestId, input.verification);
        return;
      case 'apply_config':
        this.config = input.config;
        for (const sa of this.ikeSas.values()) {
          if (sa.tunnel) sa.tunnel = input.config.tunnels.find((t) => t.name === sa.tunnel!.name) ?? sa.tunnel;
        }
        this.out.result = { ok: true };
        return;
    }
  }

  private onInternalError(input: CoreInput, error: unknown): void {
    this.drops.internal_error++;
    const text = errorText(error);
    if (input.kind === 'datagram') {
      this.emit({
        type: 'ike.datagram.dropped',
        time: this.now,
        reason: 'internal_error',
        detail: text,
        local: input.datagram.local,
        remote: input.datagram.remote,
      });
      return;
    }
    if (input.kind !== 'notice' && input.kind !== 'timer') this.out.result = { ok: false, error: text };
    this.emit({ type: 'log.event', time: this.now, code: 'internal_error', severity: 'error', message: `${input.kind} failed: ${text}`, messageIds: [], evidence: { datagramIds: [] } });
  }

  private initiate(tunnelName: string): GatewayCommandResult {
    const tunnel = this.config.tunnels.find((t) => t.name === tunnelName);
    if (!tunnel) return fail(`no tunnel named "${tunnelName}"`);
    if (!tunnel.enabled) return fail(`tunnel "${tunnelName}" is disabled`);
    if (tunnel.ikeVersion !== 2) return fail(`tunnel "${tunnelName}" is IKEv1; this daemon negotiates IKEv2 only`);
    return startInitiator(this, tunnel);
  }

  /**
   * The tunnel is taken as not operational (keep-alive lost its probes): its
   * CHILD_SAs are removed at once, so no packet is sealed for a peer that may
   * no longer know them, each IKE SA is deleted with a DELETE (the peer may
   * still have it), and the tunnel is negotiated again.
   */
  private renegotiateTunnel(tunnelName: string, reason: string): GatewayCommandResult {
    const tunnel = this.config.tunnels.find((t) => t.name === tunnelName);
    if (!tunnel) return fail(`no tunnel named "${tunnelName}"`);
    const ikeSas = [...this.ikeSas.values()].filter((sa) => sa.tunnel?.name === tunnelName);
    const deleted: string[] = [];
    for (const sa of ikeSas) {
      for (const childId of [...sa.children]) {
        const child = this.childSas.get(childId);
        if (child && child.state !== 'installing') this.destroyChildSa(child, 'keepalive_failed');
      }
      if (sa.state === 'deleting') continue;
      startDeleteIke(this, sa, 'keepalive_failed');
      deleted.push(sa.id);
    }
    this.emit({
      type: 'log.event',
      time: this.now,
      code: 'keepalive_renegotiate',
      severity: 'warning',
      tunnel: tunnelName,
      message: `${reason}: ${deleted.length > 0 ? `deleting IKE SA ${deleted.join(', ')} and its CHILD_SAs` : 'no IKE SA to delete'}, negotiating "${tunnelName}" again`,
      messageIds: [],
      evidence: { datagramIds: [], deletedIkeSas: deleted },
    });
    return this.initiate(tunnelName);
  }

  // --- receiving ----------------------------------------------------------------

  private onNotice(notice: TransportNotice): void {
    if (notice.kind === 'send_error') return;
    const reason: DropReason = notice.kind === 'runt' ? 'runt' : notice.kind === 'nat_keepalive' ? 'nat_keepalive' : 'esp';
    this.drops[reason]++;
    if (notice.kind === 'nat_keepalive') {
      for (const sa of this.ikeSas.values()) {
        if (sa.remote.address === notice.remote.address && sa.remote.port === notice.remote.port) sa.lastPeerPacketAt = this.now;
      }
      return;
    }
    this.emit({
      type: 'ike.datagram.dropped',
      time: this.now,
      reason,
      detail: DROP_REASONS[reason],
      local: notice.local,
      remote: notice.remote,
    });
  }

  private recordDatagram(direction: 'in' | 'out', local: Endpoint, remote: Endpoint, marker: boolean, bytes: Uint8Array, sa?: IkeSa): StoredDatagram {
    const record: StoredDatagram = {
      id: this.nextDatagramId++,
      time: this.now,
      direction,
      local: { ...local },
      remote: { ...remote },
      marker,
      bytes: new Uint8Array(bytes),
      ...(sa ? { ikeSaId: sa.id } : {}),
    };
    this.out.stored.push(record);
    if (sa) sa.datagramIds.push(record.id);
    return record;
  }

  /** Attaches an inbound record to the SA it turned out to belong to. */
  attachRecord(record: StoredDatagram, sa: IkeSa): void {
    if (record.ikeSaId === undefined) {
      record.ikeSaId = sa.id;
      sa.datagramIds.push(record.id);
    }
  }

  drop(reason: DropReason, datagram: Datagram, record: StoredDatagram | undefined, detail?: string, sa?: IkeSa): void {
    this.drops[reason]++;
    this.emit({
      type: 'ike.datagram.dropped',
      time: this.now,
      reason,
      detail: detail ?? DROP_REASONS[reason],
      local: datagram.local,
      remote: datagram.remote,
      ...(record ? { datagramId: record.id } : {}),
      ...(sa ? { ikeSaId: sa.id } : {}),
    });
  }

  private onDatagram(datagram: Datagram): void {
    const bytes = datagram.payload;
    const record = this.recordDatagram('in', datagram.local, datagram.remote, datagram.marker, bytes);
    const major = headerMajorVersion(bytes);
    if (major !== undefined && major !== 2 && bytes.length >= 28) {
      const ikev1 = major === 1;
      this.snoopRaw(datagram, record, ikev1 ? 'IKEv1 packet (major version 1), not processed' : `IKE major version ${major}, not processed`);
      this.drop(ikev1 ? 'ikev1' : 'unsupported_version', datagram, record);
      this.log(ikev1 ? 'ikev1_packet' : 'invalid_major_version_received', {
        peer: datagram.remote,
        datagramIds: [record.id],
        message: ikev1
          ? `peer ${datagram.remote.address} speaks IKEv1: the packet was not processed (this tunnel end negotiates IKEv2)`
          : `peer ${datagram.remote.address} sent IKE major version ${major}`,
        evidence: { majorVersion: major },
      });
      return;
    }
    let header: IkeHeader;
    try {
      header = decodeHeader(bytes).header;
    } catch (error) {
      this.snoopRaw(datagram, record, `undecodable datagram (${bytes.length} bytes): ${errorText(error)}`);
      const truncated = error instanceof IkeParseError && (error.code === 'truncated' || error.code === 'message_length_mismatch');
      this.drop(truncated ? 'truncated' : 'malformed', datagram, record, errorText(error));
      this.log('undecodable_message', {
        peer: datagram.remote,
        datagramIds: [record.id],
        message: `datagram from ${datagram.remote.address}:${datagram.remote.port} does not decode: ${errorText(error)}`,
        evidence: codecErrorEvidence(error),
      });
      return;
    }
    if (header.exchangeType === ExchangeType.IKE_SA_INIT && !header.response && bytesEqual(header.responderSpi, ZERO_SPI)) {
      handleInitRequest(this, datagram, header, record);
      return;
    }
    const ourSpi = header.initiator ? header.responderSpi : header.initiatorSpi;
    const saId = this.bySpi.get(spiHex(ourSpi));
    const sa = saId ? this.ikeSas.get(saId) : undefined;
    const theirSpi = header.initiator ? header.initiatorSpi : header.responderSpi;
    const theirKnown = sa ? (header.initiator ? sa.spiI : sa.spiR) : undefined;
    const spiMatches =
      sa !== undefined &&
      theirKnown !== undefined &&
      (bytesEqual(theirKnown, theirSpi) || (sa.state === 'init_sent' && header.exchangeType === ExchangeType.IKE_SA_INIT));
    if (!sa || !spiMatches) {
      if (!header.response && this.resendFromTombstone(spiHex(ourSpi), header, datagram, record)) return;
      if (header.response && this.consumeFinalNoticeAnswer(spiHex(ourSpi), header, datagram, record)) return;
      this.onUnknownSa(datagram, header, record);
      return;
    }
    this.attachRecord(record, sa);
    this.onSaDatagram(sa, datagram, header, record);
  }

  /**
   * A negotiation we refused (AUTHENTICATION_FAILED, ...) is forgotten at
   * once, but its last answer is kept briefly: if the answer was lost, the
   * peer's retransmission gets the same answer instead of INVALID_IKE_SPI.
   */
  private resendFromTombstone(ourSpi: string, header: IkeHeader, datagram: Datagram, record: StoredDatagram): boolean {
    const tombstone = this.tombstones.get(ourSpi);
    if (!tombstone || tombstone.until <= this.now) {
      this.tombstones.delete(ourSpi);
      return false;
    }
    if (tombstone.response.messageId !== header.messageId) return false;
    this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} request ${header.messageId} (retransmission for a refused negotiation, answer resent)`);
    this.drops.replayed++;
    this.sendDatagrams(undefined, tombstone.response.datagrams, datagram.local, datagram.remote);
    return true;
  }

  /**
   * RFC 7296 §2.21.2: an initiator that refuses the responder's AUTH tells it
   * in one INFORMATIONAL and forgets the IKE SA without waiting. The answer to
   * that notice is expected for a while and consumed quietly, instead of being
   * reported as an IKE SA up on the peer's side only (it is, but only until
   * the peer reads our notice).
   */
  sendFinalNotice(sa: IkeSa, payloads: Payload[]): void {
    const messageId = sa.nextRequestId++;
    const notice = this.buildMessage(sa, ExchangeType.INFORMATIONAL, messageId, false, payloads);
    this.transmitMessage(sa, notice, sa.local, sa.remote, sa.role);
    for (const [spi, entry] of this.finalNotices) if (entry.until <= this.now) this.finalNotices.delete(spi);
    this.finalNotices.set(spiHex(sa.role === 'initiator' ? sa.spiI : sa.spiR), { messageId, until: this.now + this.options.halfOpenTimeoutMs });
  }

  private consumeFinalNoticeAnswer(ourSpi: string, header: IkeHeader, datagram: Datagram, record: StoredDatagram): boolean {
    const entry = this.finalNotices.get(ourSpi);
    if (!entry || entry.until <= this.now || entry.messageId !== header.messageId || header.exchangeType !== ExchangeType.INFORMATIONAL) return false;
    this.finalNotices.delete(ourSpi);
    this.snoopRaw(datagram, record, `INFORMATIONAL response ${header.messageId} (the answer to our AUTHENTICATION_FAILED notice; the IKE SA is already closed here)`);
    this.drop('closed_sa_answer', datagram, record);
    return true;
  }

  /** A message for an IKE SA we do not have: 13.6.6 item 3. */
  private onUnknownSa(datagram: Datagram, header: IkeHeader, record: StoredDatagram): void {
    this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} for unknown IKE SA ${spiHex(header.initiatorSpi)}_i ${spiHex(header.responderSpi)}_r`);
    this.drop('unknown_spi', datagram, record);
    this.log('unknown_ike_sa', {
      peer: datagram.remote,
      messageIds: [header.messageId],
      datagramIds: [record.id],
      message: `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} from ${datagram.remote.address} for an IKE SA we do not have (SPIs ${spiHex(header.initiatorSpi)}/${spiHex(header.responderSpi)}): the tunnel is up on the peer's side only`,
      evidence: { spiInitiator: spiHex(header.initiatorSpi), spiResponder: spiHex(header.responderSpi), exchange: exchangeName(header.exchangeType) },
    });
    if (!header.response && header.exchangeType !== ExchangeType.IKE_SA_INIT) {
      // RFC 7296 §2.21.4: an unprotected INVALID_IKE_SPI, SPIs and message id copied.
      const reply: IkeMessage = {
        header: {
          initiatorSpi: header.initiatorSpi,
          responderSpi: header.responderSpi,
          exchangeType: ExchangeType.INFORMATIONAL,
          messageId: header.messageId,
          initiator: !header.initiator,
          response: true,
        },
        payloads: [notifyPayload(NotifyType.INVALID_IKE_SPI)],
      };
      this.transmitMessage(undefined, reply, datagram.local, datagram.remote, undefined);
    }
  }

  private onSaDatagram(sa: IkeSa, datagram: Datagram, header: IkeHeader, record: StoredDatagram): void {
    // A retransmission of the IKE_AUTH request parked for certificate verification: no second verification.
    if (!header.response && sa.certVerificationRequestId !== undefined && header.messageId + 1 === sa.nextPeerRequestId) {
      this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} request ${header.messageId} (retransmission, certificate verification in progress)`, sa);
      sa.lastPeerPacketAt = this.now;
      this.drops.replayed++;
      return;
    }
    // Retransmitted request we already answered: resend the cached response without decrypting.
    if (!header.response && sa.lastResponse && header.messageId === sa.lastResponse.messageId && header.messageId + 1 === sa.nextPeerRequestId) {
      this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} request ${header.messageId} (retransmission, cached response resent)`, sa);
      sa.lastPeerPacketAt = this.now;
      this.resendCachedResponse(sa, datagram);
      return;
    }
    if (!header.response && header.messageId !== sa.nextPeerRequestId) {
      this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} request ${header.messageId} outside the window (expected ${sa.nextPeerRequestId})`, sa);
      this.drop('replayed', datagram, record, `request message id ${header.messageId}, expected ${sa.nextPeerRequestId}`, sa);
      return;
    }
    if (header.response && (!sa.outstanding || sa.outstanding.messageId !== header.messageId)) {
      this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} response ${header.messageId} for no outstanding request`, sa);
      this.drop(header.messageId < sa.nextRequestId ? 'replayed' : 'unexpected_response', datagram, record, undefined, sa);
      return;
    }
    const sender = header.initiator ? 'initiator' : 'responder';
    const sk = sa.keys ? { suite: skSuiteOf(sa.keys), keys: skKeysFor(sa.keys, sender) } : undefined;
    let message: IkeMessage;
    try {
      message = decodeMessage(datagram.payload, sk ? { sk } : {});
    } catch (error) {
      this.onUndecodable(sa, datagram, header, record, error);
      return;
    }
    const encrypted = message.encrypted;
    if (encrypted && encrypted.state !== 'decrypted') {
      this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} [ ${encrypted.kind === 'sk' ? 'SK' : 'SKF'} ] (${encrypted.state === 'integrity_failed' ? 'integrity check failed' : encrypted.state})`, sa);
      this.drop(encrypted.state === 'integrity_failed' ? 'integrity_failed' : 'malformed', datagram, record, encrypted.detail, sa);
      this.log('sk_integrity_failed', {
        sa,
        peer: datagram.remote,
        messageIds: [header.messageId],
        datagramIds: [record.id],
        message: `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} from ${datagram.remote.address}: ${encrypted.state === 'integrity_failed' ? 'the SK payload fails its integrity check' : 'the SK payload cannot be decrypted'} (the peer uses other keys)`,
        evidence: { state: encrypted.state, detail: encrypted.detail ?? '' },
      });
      return;
    }
    if (encrypted?.kind === 'skf') {
      this.onFragment(sa, datagram, header, record, message);
      return;
    }
    this.processMessage(sa, datagram, message, [record.id]);
  }

  private onUndecodable(sa: IkeSa, datagram: Datagram, header: IkeHeader, record: StoredDatagram, error: unknown): void {
    const text = errorText(error);
    this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} not accepted: ${text}`, sa);
    let condition: IkeFailureCondition = 'undecodable_message';
    let reason: DropReason = 'malformed';
    if (error instanceof IkeVerifyError) {
      if (error.code === 'unsupported_critical_payload') {
        condition = 'unsupported_critical_payload';
        reason = 'critical_payload';
      } else if (error.code === 'payload_not_allowed' || error.code === 'payload_count' || error.code === 'payload_not_encrypted') {
        condition = 'payload_not_allowed';
        reason = 'invalid_syntax';
      }
    } else if (error instanceof IkeParseError && error.code === 'truncated') {
      reason = 'truncated';
    }
    this.drop(reason, datagram, record, text, sa);
    this.log(condition, {
      sa,
      peer: datagram.remote,
      messageIds: [header.messageId],
      datagramIds: [record.id],
      message: `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} from ${datagram.remote.address}: ${text}`,
      evidence: codecErrorEvidence(error),
    });
    // Only a request we can answer with the RFC's notify, and only on an SA with keys.
    const notify = IKE_FAILURE_CONDITIONS[condition].peerNotify;
    if (!header.response && sa.keys && notify !== null && condition !== 'undecodable_message') {
      const data =
        condition === 'unsupported_critical_payload' && error instanceof IkeVerifyError && error.payloadType !== undefined
          ? Uint8Array.of(error.payloadType)
          : EMPTY;
      sa.remote = { ...datagram.remote };
      this.sendResponse(sa, header, [notifyPayload(notify, data)]);
    }
  }

  private onFragment(sa: IkeSa, datagram: Datagram, header: IkeHeader, record: StoredDatagram, message: IkeMessage): void {
    const fragment = message.encrypted;
    if (fragment?.kind !== 'skf' || fragment.state !== 'decrypted') return;
    const summaryLine = `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} [ EF(${fragment.fragmentNumber}/${fragment.totalFragments}) ]`;
    this.snoopRaw(datagram, record, summaryLine, sa);
    let reassembly = sa.reassembly;
    if (!reassembly || reassembly.messageId !== header.messageId || reassembly.isResponse !== header.response) {
      reassembly = { messageId: header.messageId, isResponse: header.response, state: undefined, datagramIds: [], startedAt: this.now };
      sa.reassembly = reassembly;
      this.setTimer(`${sa.id}/reassembly`, this.now + this.options.reassemblyTimeoutMs, () => this.onReassemblyTimeout(sa));
    }
    reassembly.datagramIds.push(record.id);
    const step = reassembleFragments(reassembly.state, fragment);
    reassembly.state = step.state;
    const outcome = step.outcome;
    if (outcome.status === 'invalid' || outcome.status === 'inconsistent_total') {
      this.drop('fragment_invalid', datagram, record, outcome.status === 'invalid' ? outcome.detail : `total ${outcome.got}, expected ${outcome.expected}`, sa);
      return;
    }
    if (outcome.status !== 'complete') return;
    const ids = reassembly.datagramIds;
    sa.reassembly = undefined;
    this.clearTimer(`${sa.id}/reassembly`);
    let whole: IkeMessage;
    try {
      whole = decodeReassembledMessage(header, outcome.firstPayload, outcome.plaintext, { clearPayloads: message.payloads });
    } catch (error) {
      this.onUndecodable(sa, datagram, header, record, error);
      return;
    }
    this.processMessage(sa, datagram, whole, ids);
  }

  private onReassemblyTimeout(sa: IkeSa): void {
    const reassembly = sa.reassembly;
    if (!reassembly) return;
    sa.reassembly = undefined;
    this.log('fragments_incomplete', {
      sa,
      peer: sa.remote,
      messageIds: [reassembly.messageId],
      datagramIds: reassembly.datagramIds,
      message: `a fragmented ${reassembly.isResponse ? 'response' : 'request'} ${reassembly.messageId} from ${sa.remote.address} never completed: ${reassembly.state?.pieces.size ?? 0} of ${reassembly.state?.totalFragments ?? '?'} fragments arrived`,
      evidence: { received: reassembly.state?.pieces.size ?? 0, total: reassembly.state?.totalFragments ?? 0 },
    });
  }

  private processMessage(sa: IkeSa, datagram: Datagram, message: IkeMessage, datagramIds: number[]): void {
    const { header } = message;
    this.snoopMessage(message, { direction: 'in', local: datagram.local, remote: datagram.remote, marker: datagram.marker, datagramIds, sa });
    sa.lastPeerPacketAt = this.now;
    if (sa.floatedAt !== undefined) sa.lastReceivedAfterFloat = this.now;
    if (!sa.messageIds.includes(header.messageId)) sa.messageIds.push(header.messageId);
    const payloads = allPayloadsOf(message);
    if (!header.response) {
      // RFC 7296 §2.23: follow the peer to its new address/port on an authenticated request.
      if (sa.keys && (datagram.remote.port !== sa.remote.port || datagram.remote.address !== sa.remote.address)) {
        sa.remote = { ...datagram.remote };
        sa.local = { ...datagram.local };
      }
      sa.nextPeerRequestId = header.messageId + 1;
      switch (header.exchangeType) {
        case ExchangeType.IKE_AUTH:
          handleAuthRequest(this, sa, message, payloads, datagramIds);
          return;
        case ExchangeType.CREATE_CHILD_SA:
          handleCreateChildRequest(this, sa, message, payloads, datagramIds);
          return;
        case ExchangeType.INFORMATIONAL:
          handleInformationalRequest(this, sa, message, payloads, datagramIds);
          return;
        default:
          this.drop('unexpected_exchange', datagram, undefined, `${exchangeName(header.exchangeType)} request in state ${sa.state}`, sa);
          return;
      }
    }
    const outstanding = sa.outstanding!;
    sa.outstanding = undefined;
    this.clearTimer(`${sa.id}/retransmit`);
    outstanding.datagramIds.push(...datagramIds);
    if (!message.encrypted && sa.keys && findNotify(payloads, NotifyType.INVALID_IKE_SPI)) {
      handlePeerLostSa(this, sa, outstanding, datagramIds);
      return;
    }
    switch (outstanding.purpose.kind) {
      case 'ike_sa_init':
        handleInitResponse(this, sa, message, payloads, outstanding, datagram.payload);
        break;
      case 'ike_auth':
        handleAuthResponse(this, sa, message, payloads, outstanding);
        break;
      case 'create_child':
      case 'rekey_child':
      case 'rekey_ike':
        handleCreateChildResponse(this, sa, message, payloads, outstanding);
        break;
      case 'delete_child':
      case 'delete_ike':
      case 'dpd':
        handleInformationalResponse(this, sa, message, payloads, outstanding);
        break;
    }
    if (this.ikeSas.has(sa.id)) this.sendNextQueued(sa);
  }

  // --- sending ----------------------------------------------------------------

  /**
   * Non-ESP marker when neither port is 500 (RFC 3948 on 4500; charon's
   * rule, which also covers other non-standard ports). A peer behind a NAT
   * that maps its port 500 to another port still expects IKE_SA_INIT
   * answers on our port 500 without the marker.
   */
  markerFor(local: Endpoint, remote: Endpoint): boolean {
    return local.port !== 500 && remote.port !== 500;
  }

  /**
   * Encodes and sends one message (SK-sealed with the SA's keys when the
   * content is encrypted; RFC 7383 fragments when both sides support them
   * and it does not fit). Returns the encoded datagrams and their store ids.
   */
  transmitMessage(sa: IkeSa | undefined, message: IkeMessage, local: Endpoint, remote: Endpoint, sender: 'initiator' | 'responder' | undefined): { datagrams: Uint8Array[]; ids: number[] } {
    const keys = sa?.keys;
    let datagrams: Uint8Array[];
    if (keys && sender && message.encrypted) {
      const suite = skSuiteOf(keys);
      const skKeys = skKeysFor(keys, sender);
      const ivSize = encryptionAlgorithm(suite.encr)?.ivSize ?? 16;
      const whole = encodeMessage(message, { sk: { suite, keys: skKeys, iv: this.entropy.bytes(ivSize) } });
      const marker = this.markerFor(local, remote);
      const limit = this.options.fragmentMtu;
      const overhead = (remote.address.includes(':') ? 40 : 20) + 8 + (marker ? 4 : 0);
      const fragmentable = message.header.exchangeType !== ExchangeType.IKE_SA_INIT;
      if (sa.peerFragmentation && limit > 0 && fragmentable && whole.length + overhead > limit) {
        const estimate = Math.ceil((whole.length + overhead) / Math.max(1, limit - overhead - 64)) + 2;
        const ivs = Array.from({ length: estimate * 2 }, () => this.entropy.bytes(ivSize));
        datagrams = encodeFragments(message, {
          sk: { suite, keys: skKeys, ivs },
          maxDatagramSize: limit,
          ipVersion: remote.address.includes(':') ? 6 : 4,
          nonEspMarker: marker,
        });
      } else {
        datagrams = [whole];
      }
    } else {
      datagrams = [encodeMessage(message)];
    }
    const ids = this.sendDatagrams(sa, datagrams, local, remote);
    this.snoopMessage(message, { direction: 'out', local, remote, marker: this.markerFor(local, remote), datagramIds: ids, ...(sa ? { sa } : {}) });
    // Fragments as they cross the wire, after the whole message (as charon logs its own).
    if (datagrams.length > 1 && this.snoopLines) {
      const { header } = message;
      const prefix = `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId}`;
      ids.forEach((id, index) => this.snoopDatagramLine('out', local, remote, id, `${prefix} [ EF(${index + 1}/${ids.length}) ]`, sa));
    }
    return { datagrams, ids };
  }

  private sendDatagrams(sa: IkeSa | undefined, datagrams: Uint8Array[], local: Endpoint, remote: Endpoint): number[] {
    const marker = this.markerFor(local, remote);
    const ids: number[] = [];
    for (const payload of datagrams) {
      const record = this.recordDatagram('out', local, remote, marker, payload, sa);
      ids.push(record.id);
      this.out.send.push({ local: { ...local }, remote: { ...remote }, payload, marker });
    }
    return ids;
  }

  buildMessage(sa: IkeSa, exchange: number, messageId: number, response: boolean, payloads: Payload[]): IkeMessage {
    const header: IkeHeader = {
      initiatorSpi: sa.spiI,
      responderSpi: sa.spiR,
      exchangeType: exchange,
      messageId,
      initiator: sa.role === 'initiator',
      response,
    };
    if (!sa.keys || exchange === ExchangeType.IKE_SA_INIT) return { header, payloads };
    return { header, payloads: [], encrypted: { kind: 'sk', state: 'decrypted', payloads } };
  }

  /** Sends a request now, or queues it behind the one outstanding (window size 1). */
  sendRequest(sa: IkeSa, exchange: number, payloads: Payload[], purpose: RequestPurpose, options: { deadline?: number } = {}): void {
    if (sa.outstanding) {
      sa.queue.push({ exchange, payloads, purpose, ...(options.deadline !== undefined ? { deadline: options.deadline } : {}) });
      return;
    }
    const messageId = sa.nextRequestId++;
    const message = this.buildMessage(sa, exchange, messageId, false, payloads);
    const sent = this.transmitMessage(sa, message, sa.local, sa.remote, sa.role);
    if (!sa.messageIds.includes(messageId)) sa.messageIds.push(messageId);
    if (exchange === ExchangeType.IKE_SA_INIT) sa.initRequest = sent.datagrams[0];
    sa.outstanding = {
      messageId,
      exchange,
      purpose,
      datagrams: sent.datagrams,
      datagramIds: [...sent.ids],
      attempt: 0,
      firstSentAt: this.now,
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    };
    this.armRetransmit(sa);
  }

  private armRetransmit(sa: IkeSa): void {
    const outstanding = sa.outstanding;
    if (!outstanding) return;
    let at = this.now + retransmitDelayMs(this.retransmitPolicy, outstanding.attempt);
    if (outstanding.deadline !== undefined) at = Math.min(at, outstanding.deadline);
    this.setTimer(`${sa.id}/retransmit`, at, () => this.onRetransmitTimer(sa));
  }

  private onRetransmitTimer(sa: IkeSa): void {
    const outstanding = sa.outstanding;
    if (!outstanding || !this.ikeSas.has(sa.id)) return;
    const decision = onRetransmitTimer(this.retransmitPolicy, outstanding.attempt, this.now);
    const pastDeadline = outstanding.deadline !== undefined && this.now >= outstanding.deadline;
    if (decision.action === 'give_up' || pastDeadline) {
      this.onRequestTimeout(sa, outstanding);
      return;
    }
    outstanding.attempt = decision.attempt;
    const ids = this.sendDatagrams(sa, outstanding.datagrams, sa.local, sa.remote);
    outstanding.datagramIds.push(...ids);
    this.snoopRetransmit(sa, outstanding.exchange, outstanding.messageId, ids, outstanding.attempt);
    this.armRetransmit(sa);
  }

  /** Retransmissions exhausted: the peer is not responding. The IKE SA is gone. */
  private onRequestTimeout(sa: IkeSa, outstanding: NonNullable<IkeSa['outstanding']>): void {
    sa.outstanding = undefined;
    const floatedSilence = sa.floatedAt !== undefined && (sa.lastReceivedAfterFloat === undefined || sa.lastReceivedAfterFloat < sa.floatedAt);
    const condition: IkeFailureCondition =
      outstanding.purpose.kind === 'dpd' ? 'dead_peer' : floatedSilence && sa.state !== 'established' ? 'silent_after_nat_t_move' : 'retransmits_exhausted';
    const seconds = Math.round((this.now - outstanding.firstSentAt) / 1000);
    const what = `${exchangeName(outstanding.exchange)} request ${outstanding.messageId}`;
    const message =
      condition === 'dead_peer'
        ? `dead peer detection: ${sa.remote.address}:${sa.remote.port} did not answer an empty INFORMATIONAL for ${seconds} s (${outstanding.attempt + 1} transmissions)`
        : condition === 'silent_after_nat_t_move'
          ? `no answer to ${what} after moving to the NAT-T port ${sa.local.port} -> ${sa.remote.address}:${sa.remote.port} (${outstanding.attempt + 1} transmissions in ${seconds} s)`
          : `no answer to ${what} from ${sa.remote.address}:${sa.remote.port} after ${outstanding.attempt + 1} transmissions in ${seconds} s`;
    const failure = this.log(condition, {
      sa,
      peer: sa.remote,
      messageIds: [outstanding.messageId],
      datagramIds: outstanding.datagramIds,
      message,
      evidence: { transmissions: outstanding.attempt + 1, seconds, exchange: exchangeName(outstanding.exchange), natTMove: sa.floatedAt !== undefined },
    });
    const reason = condition === 'dead_peer' ? 'dpd-timeout' : outstanding.purpose.kind === 'delete_ike' ? sa.deleteReason : 'peer-not-responding';
    this.failOutstanding(sa, outstanding.purpose, failure);
    this.destroyIkeSa(sa, reason);
  }

  /** Reports the failure of what an outstanding request was for (negotiation, rekey, child). */
  failOutstanding(sa: IkeSa, purpose: RequestPurpose, failure: LogEvent): void {
    const base = { time: this.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: failure.code, message: failure.message, evidence: { ...failure.evidence, condition: failure.condition } };
    switch (purpose.kind) {
      case 'ike_sa_init':
      case 'ike_auth':
        if (!sa.negotiationReported) {
          sa.negotiationReported = true;
          this.emit({ type: 'ike.negotiation.failed', ...base });
        }
        if (purpose.kind === 'ike_auth') this.discardChild(purpose.childSaId);
        return;
      case 'create_child': {
        const child = this.childSas.get(purpose.childSaId);
        if (child) this.emit({ type: 'child.negotiation.failed', ...base, childSaId: child.id });
        this.discardChild(purpose.childSaId);
        return;
      }
      case 'rekey_child': {
        const old = this.childSas.get(purpose.oldChildSaId);
        if (old) {
          this.emit({ type: 'child.rekey.failed', ...base, childSaId: old.id });
          if (old.state === 'rekeying') old.state = 'installed';
        }
        this.discardChild(purpose.childSaId);
        return;
      }
      case 'rekey_ike':
        this.emit({ type: 'ike.rekey.failed', ...base });
        sa.ikeRekeyInProgress = undefined;
        return;
      default:
        return;
    }
  }

  /** Removes a CHILD_SA that never came up (no events: its negotiation outcome was reported). */
  discardChild(childSaId: string): void {
    const child = this.childSas.get(childSaId);
    if (!child) return;
    this.childSas.delete(childSaId);
    this.childSaChanges.add(childSaId);
    this.ikeSas.get(child.ikeSaId)?.children.delete(childSaId);
    this.clearTimer(`${child.id}/rekey`);
    this.clearTimer(`${child.id}/expire`);
  }

  sendNextQueued(sa: IkeSa): void {
    if (sa.outstanding) return;
    const next = sa.queue.shift();
    if (!next) return;
    this.sendRequest(sa, next.exchange, next.payloads, next.purpose, next.deadline !== undefined ? { deadline: next.deadline } : {});
  }

  /** Answers the peer's request and caches the answer for its retransmissions. */
  sendResponse(sa: IkeSa, requestHeader: IkeHeader, payloads: Payload[]): void {
    const message = this.buildMessage(sa, requestHeader.exchangeType, requestHeader.messageId, true, payloads);
    const sent = this.transmitMessage(sa, message, sa.local, sa.remote, sa.role);
    sa.lastResponse = { messageId: requestHeader.messageId, datagrams: sent.datagrams };
    if (requestHeader.exchangeType === ExchangeType.IKE_SA_INIT) sa.initResponse = sent.datagrams[0];
  }

  private resendCachedResponse(sa: IkeSa, datagram: Datagram): void {
    this.resendResponseTo(sa, datagram);
  }

  /** Resends the cached response to where the retransmitted request came from. */
  resendResponseTo(sa: IkeSa, datagram: Datagram): void {
    const cached = sa.lastResponse;
    if (!cached) return;
    this.sendDatagrams(sa, cached.datagrams, datagram.local, datagram.remote);
  }

  /** The last proposals a peer offered us for a tunnel (to explain a later failure as initiator). */
  rememberPeerOffer(tunnel: string | undefined, kind: 'ike' | 'esp', proposals: readonly Proposal[]): void {
    if (tunnel === undefined) return;
    this.peerOffers.set(`${tunnel}|${kind}`, [...proposals]);
  }

  peerOffer(tunnel: string | undefined, kind: 'ike' | 'esp'): Proposal[] | undefined {
    return tunnel === undefined ? undefined : this.peerOffers.get(`${tunnel}|${kind}`);
  }

  /** Snoop line, drop counter and coded event for a message that does not decode before any SA is known. */
  snoopDecodeFailure(datagram: Datagram, record: StoredDatagram, header: IkeHeader, error: unknown): void {
    const text = errorText(error);
    this.snoopRaw(datagram, record, `${exchangeName(header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} not accepted: ${text}`);
    const notAllowed = error instanceof IkeVerifyError && (error.code === 'payload_not_allowed' || error.code === 'payload_count');
    const critical = error instanceof IkeVerifyError && error.code === 'unsupported_critical_payload';
    const truncated = error instanceof IkeParseError && error.code === 'truncated';
    this.drop(critical ? 'critical_payload' : notAllowed ? 'invalid_syntax' : truncated ? 'truncated' : 'malformed', datagram, record, text);
    this.log(critical ? 'unsupported_critical_payload' : notAllowed ? 'payload_not_allowed' : 'undecodable_message', {
      peer: datagram.remote,
      messageIds: [header.messageId],
      datagramIds: [record.id],
      message: `${exchangeName(header.exchangeType)} from ${datagram.remote.address}: ${text}`,
      evidence: codecErrorEvidence(error),
    });
  }

  // --- SA tables ----------------------------------------------------------------

  newIkeSaId(): string {
    return `ike-${this.nextIkeSaNumber++}`;
  }

  newChildSaId(): string {
    return `child-${this.nextChildSaNumber++}`;
  }

  /** A fresh IKE SA object (not yet registered). */
  createIkeSa(fields: { role: 'initiator' | 'responder'; tunnel: TunnelConfig | undefined; local: Endpoint; remote: Endpoint; spiI?: Uint8Array; spiR?: Uint8Array; id?: string }): IkeSa {
    const spiI = fields.spiI ?? (fields.role === 'initiator' ? randomIkeSpi(this.entropy) : ZERO_SPI);
    const spiR = fields.spiR ?? (fields.role === 'responder' ? randomIkeSpi(this.entropy) : new Uint8Array(8));
    return {
      id: fields.id ?? this.newIkeSaId(),
      tunnel: fields.tunnel,
      role: fields.role,
      state: fields.role === 'initiator' ? 'init_sent' : 'half_open',
      spiI,
      spiR,
      local: { ...fields.local },
      remote: { ...fields.remote },
      nat: { local: false, remote: false },
      createdAt: this.now,
      lastPeerPacketAt: this.now,
      nonceI: EMPTY,
      nonceR: EMPTY,
      invalidKeRetried: false,
      nextRequestId: 0,
      nextPeerRequestId: 0,
      queue: [],
      children: new Set(),
      peerFragmentation: false,
      peerVendorIds: [],
      dpdState: 'idle',
      datagramIds: [],
      messageIds: [],
      negotiationReported: false,
    };
  }

  registerIkeSa(sa: IkeSa): void {
    this.ikeSas.set(sa.id, sa);
    if (sa.state === 'half_open') this.halfOpenCandidates.add(sa);
    this.bySpi.set(spiHex(sa.role === 'initiator' ? sa.spiI : sa.spiR), sa.id);
  }

  registerHalfOpen(sa: IkeSa): void {
    this.halfOpenByInit.set(halfOpenKey(sa.spiI, sa.remote), sa.id);
  }

  findHalfOpen(spiI: Uint8Array, remote: Endpoint): IkeSa | undefined {
    const id = this.halfOpenByInit.get(halfOpenKey(spiI, remote));
    return id ? this.ikeSas.get(id) : undefined;
  }

  halfOpenCount(): number {
    let n = 0;
    for (const sa of this.halfOpenCandidates) {
      if (sa.state === 'half_open' && this.ikeSas.get(sa.id) === sa) n++;
      else this.halfOpenCandidates.delete(sa);
    }
    return n;
  }

  /**
   * Removes an IKE SA and its CHILD_SAs. `reason` undefined: removed as part
   * of a rekey or a failed negotiation (no `*.sa.down`); otherwise an
   * established SA went down.
   */
  destroyIkeSa(sa: IkeSa, reason: string | undefined): void {
    if (!this.ikeSas.has(sa.id)) return;
    // A fragmented message still being collected is reported before the SA goes.
    if (sa.reassembly) this.onReassemblyTimeout(sa);
    for (const childId of [...sa.children]) {
      const child = this.childSas.get(childId);
      if (!child) continue;
      if (child.state === 'installing') this.discardChild(childId);
      else this.destroyChildSa(child, child.state === 'rekeyed' ? undefined : (reason ?? 'ike-sa-gone'));
    }
    if (sa.outstanding && (sa.outstanding.purpose.kind === 'ike_sa_init' || sa.outstanding.purpose.kind === 'ike_auth') && !sa.negotiationReported) {
      sa.negotiationReported = true;
      this.emit({ type: 'ike.negotiation.failed', time: this.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: 'deleted', message: 'negotiation abandoned' });
    }
    if (sa.outstanding?.purpose.kind === 'rekey_ike') {
      this.emit({ type: 'ike.rekey.failed', time: this.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: 'deleted', message: 'the IKE SA went away during its rekey' });
    }
    this.abandonChildExchanges(sa);
    sa.outstanding = undefined;
    if (reason === undefined && sa.state === 'half_open' && sa.lastResponse && sa.lastResponse.messageId > 0) {
      for (const [spi, tombstone] of this.tombstones) if (tombstone.until <= this.now) this.tombstones.delete(spi);
      this.tombstones.set(spiHex(sa.spiR), { response: sa.lastResponse, until: this.now + this.options.halfOpenTimeoutMs });
    }
    releaseVirtualIp(this, sa);
    this.ikeSas.delete(sa.id);
    this.halfOpenCandidates.delete(sa);
    this.bySpi.delete(spiHex(sa.role === 'initiator' ? sa.spiI : sa.spiR));
    this.halfOpenByInit.delete(halfOpenKey(sa.spiI, sa.remote));
    for (const key of ['retransmit', 'rekey', 'expire', 'dpd', 'half-open', 'reassembly', 'cert-verify']) this.clearTimer(`${sa.id}/${key}`);
    if (sa.certVerificationRequestId !== undefined) this.pendingCertAuth.delete(sa.certVerificationRequestId);
    if (reason !== undefined && sa.state !== 'half_open' && sa.state !== 'init_sent' && sa.state !== 'auth_sent' && sa.state !== 'rekeyed') {
      this.emit({ type: 'ike.sa.down', time: this.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, reason });
    }
  }

  /**
   * CHILD_SA exchanges (outstanding or queued) of an IKE SA that goes away
   * before they complete: a CHILD_SA that lives on (it moved to a rekeyed
   * IKE SA) gets its rekey back, retried soon; the half-made new one is
   * discarded. Before this, such a rekey was dropped silently and its
   * CHILD_SA stayed `rekeying` for good.
   */
  private abandonChildExchanges(sa: IkeSa): void {
    const purposes = [...(sa.outstanding ? [sa.outstanding.purpose] : []), ...sa.queue.map((request) => request.purpose)];
    sa.queue = [];
    for (const purpose of purposes) {
      if (purpose.kind !== 'create_child' && purpose.kind !== 'rekey_child') continue;
      const base = { time: this.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: 'deleted', message: `IKE SA ${sa.id} went away before the CREATE_CHILD_SA exchange completed` };
      if (purpose.kind === 'create_child') {
        if (this.childSas.has(purpose.childSaId)) this.emit({ type: 'child.negotiation.failed', ...base, childSaId: purpose.childSaId });
        this.discardChild(purpose.childSaId);
        continue;
      }
      this.discardChild(purpose.childSaId);
      const old = this.childSas.get(purpose.oldChildSaId);
      if (!old) continue;
      this.emit({ type: 'child.rekey.failed', ...base, childSaId: old.id });
      if (old.state === 'rekeying') old.state = 'installed';
      if (old.ikeSaId !== sa.id && old.state === 'installed') {
        old.rekeyAt = this.now + rekeyRetryDelayMs(this);
        this.scheduleChildLifetimes(old);
      }
    }
  }

  /** Removes an installed CHILD_SA; `reason` undefined when it was replaced by a rekey. */
  destroyChildSa(child: ChildSa, reason: string | undefined): void {
    if (!this.childSas.has(child.id)) return;
    this.childSas.delete(child.id);
    this.childSaChanges.add(child.id);
    this.ikeSas.get(child.ikeSaId)?.children.delete(child.id);
    this.clearTimer(`${child.id}/rekey`);
    this.clearTimer(`${child.id}/expire`);
    if (reason !== undefined && child.state !== 'installing' && child.state !== 'rekeyed') {
      const sa = this.ikeSas.get(child.ikeSaId);
      this.emit({ type: 'child.sa.down', time: this.now, ikeSaId: child.ikeSaId, tunnel: child.tunnel?.name ?? sa?.tunnel?.name ?? null, childSaId: child.id, reason });
    }
  }

  childByOutboundSpi(sa: IkeSa, spi: number): ChildSa | undefined {
    for (const id of sa.children) {
      const child = this.childSas.get(id);
      if (child && child.spiOut === spi) return child;
    }
    return undefined;
  }

  /** Rekey (soft) and expiry (hard) times for a lifetime, rekey jittered. */
  lifetimeSchedule(lifetimeSeconds: number): { rekeyAt: number; expireAt: number } {
    const lifetimeMs = lifetimeSeconds * 1000;
    const jitterMs = Math.floor(lifetimeMs * this.options.rekeyJitter);
    const jitter = jitterMs > 0 ? randomBelow(this.entropy, jitterMs) : 0;
    return { rekeyAt: this.now + Math.floor(lifetimeMs * this.options.softLifetimeFraction) - jitter, expireAt: this.now + lifetimeMs };
  }

  // --- lifetimes and liveness ----------------------------------------------------

  /**
   * Soft lifetime: rekey; hard lifetime: delete. Lifetimes are not negotiated
   * (RFC 7296 §2.8): each side runs its own, so the shorter side rekeys.
   */
  scheduleIkeLifetimes(sa: IkeSa): void {
    if (sa.rekeyAt !== undefined) {
      this.setTimer(`${sa.id}/rekey`, sa.rekeyAt, () => rekeyIkeWhenDue(this, sa));
    }
    if (sa.expireAt !== undefined) {
      this.setTimer(`${sa.id}/expire`, sa.expireAt, () => {
        if (this.ikeSas.has(sa.id) && sa.state !== 'rekeyed') startDeleteIke(this, sa, 'expired');
      });
    }
  }

  scheduleChildLifetimes(child: ChildSa): void {
    if (child.rekeyAt !== undefined) {
      this.setTimer(`${child.id}/rekey`, child.rekeyAt, () => rekeyChildWhenDue(this, child));
    }
    if (child.expireAt !== undefined) {
      this.setTimer(`${child.id}/expire`, child.expireAt, () => {
        if (!this.childSas.has(child.id)) return;
        // A replaced CHILD_SA whose DELETE never came (the rekey's initiator lost it) goes quietly at its hard lifetime.
        if (child.state === 'rekeyed') this.destroyChildSa(child, undefined);
        else if (child.state !== 'deleting') startDeleteChild(this, child, 'expired');
      });
    }
  }

  /** Arms the DPD check: due when the peer has been silent for the tunnel's interval. */
  scheduleDpd(sa: IkeSa): void {
    const dpd = sa.tunnel?.dpd;
    if (!dpd?.enabled || sa.state !== 'established') return;
    const due = Math.max(sa.lastPeerPacketAt + dpd.intervalSeconds * 1000, this.now + 1);
    this.setTimer(`${sa.id}/dpd`, due, () => {
      if (sa.state !== 'established' || !this.ikeSas.has(sa.id)) return;
      if (this.now - sa.lastPeerPacketAt < dpd.intervalSeconds * 1000) {
        this.scheduleDpd(sa);
        return;
      }
      startDpd(this, sa);
    });
  }

  // --- timers -------------------------------------------------------------------

  setTimer(key: string, at: number, handler: () => void): void {
    if (!this.timerBefore.has(key)) this.timerBefore.set(key, this.timers.get(key));
    this.timers.set(key, at);
    this.timerHandlers.set(key, handler);
  }

  clearTimer(key: string): void {
    if (!this.timerBefore.has(key)) this.timerBefore.set(key, this.timers.get(key));
    this.timers.delete(key);
    this.timerHandlers.delete(key);
  }

  /** Arms first, then cancellations (the order the shell has always been given). */
  private flushTimers(): void {
    const arms: TimerRequest[] = [];
    const cancels: TimerRequest[] = [];
    for (const [key, before] of this.timerBefore) {
      const at = this.timers.get(key);
      if (at === before) continue;
      if (at === undefined) cancels.push({ key, at: null });
      else arms.push({ key, at });
    }
    this.out.timers = [...arms, ...cancels];
  }

  /** Keys and due times of every armed timer (for the shell after a restart, and tests). */
  pendingTimers(): Array<{ key: string; at: number }> {
    return [...this.timers].map(([key, at]) => ({ key, at }));
  }

  // --- events -------------------------------------------------------------------

  emit(event: GatewayEvent): void {
    this.out.events.push(event);
  }

  /** Asks the shell to verify a peer's certificates (answered by a `cert_verified` input). */
  requestCertVerification(request: CertVerifyRequest): void {
    (this.out.verify ??= []).push(request);
  }

  emitSelection(sa: IkeSa, selection: TunnelSelectionRecord): void {
    this.emit({ type: 'tunnel.selected', time: this.now, ikeSaId: sa.id, selection });
  }

  /**
   * Emits the coded log event for a failure condition (error-codes.ts picks
   * the seed code). Returns it so lifecycle failures can cite it.
   */
  log(
    condition: IkeFailureCondition,
    fields: {
      sa?: IkeSa;
      childSaId?: string;
      peer?: Endpoint;
      phase?: 'ike' | 'ipsec';
      messageIds?: number[];
      datagramIds: number[];
      message: string;
      evidence?: Record<string, unknown>;
      severity?: LogEvent['severity'];
    },
  ): LogEvent {
    const mapping = IKE_FAILURE_CONDITIONS[condition];
    const sa = fields.sa;
    const event: LogEvent = {
      type: 'log.event',
      time: this.now,
      code: mapping.code,
      severity: fields.severity ?? 'error',
      condition,
      message: fields.message,
      messageIds: fields.messageIds ?? sa?.messageIds.slice() ?? [],
      evidence: {
        datagramIds: [...new Set(fields.datagramIds)],
        description: mapping.description,
        sentToPeer: mapping.peerNotify === null ? null : notifyName(mapping.peerNotify),
        ...(fields.evidence ?? {}),
      },
      ...(sa?.tunnel ? { tunnel: sa.tunnel.name } : {}),
      ...(fields.peer ? { peer: { ...fields.peer } } : sa ? { peer: { ...sa.remote } } : {}),
      ...(fields.phase ? { phase: fields.phase } : sa ? { phase: sa.state === 'established' || sa.state === 'rekeyed' ? 'ipsec' : 'ike' } : {}),
      ...(sa ? { side: sa.role, ikeSaId: sa.id } : {}),
      ...(fields.childSaId ? { childSaId: fields.childSaId } : {}),
    };
    this.emit(event);
    this.lastLog = event;
    return event;
  }

  /** An informational coded event (nat_detected, invalid_ke_retry, ...). */
  info(code: string, fields: { sa?: IkeSa; peer?: Endpoint; message: string; datagramIds: number[]; evidence?: Record<string, unknown>; messageIds?: number[] }): void {
    const sa = fields.sa;
    this.emit({
      type: 'log.event',
      time: this.now,
      code,
      severity: 'info',
      message: fields.message,
      messageIds: fields.messageIds ?? [],
      evidence: { datagramIds: [...new Set(fields.datagramIds)], ...(fields.evidence ?? {}) },
      ...(sa?.tunnel ? { tunnel: sa.tunnel.name } : {}),
      ...(fields.peer ? { peer: { ...fields.peer } } : sa ? { peer: { ...sa.remote } } : {}),
      ...(sa ? { side: sa.role, ikeSaId: sa.id } : {}),
    });
  }

  // --- snoop --------------------------------------------------------------------

  snoopMessage(message: IkeMessage, context: SnoopContext): void {
    if (!this.snoopLines) return;
    let summary: string;
    try {
      summary = summarize(message);
    } catch (error) {
      summary = `${exchangeName(message.header.exchangeType)} (summary failed: ${errorText(error)})`;
    }
    let detail: unknown;
    if (this.options.snoopDetail) {
      try {
        detail = describeMessage(message);
      } catch (error) {
        detail = { error: errorText(error) };
      }
    }
    this.emit({
      type: 'snoop.message',
      time: this.now,
      direction: context.direction,
      local: { ...context.local },
      remote: { ...context.remote },
      marker: context.marker,
      datagramIds: context.datagramIds,
      summary,
      ...(detail !== undefined ? { detail } : {}),
      ...(context.sa ? { ikeSaId: context.sa.id } : {}),
      ...(context.sa?.tunnel ? { tunnel: context.sa.tunnel.name } : {}),
    });
  }

  /** A snoop line for a datagram that is not (or not yet) a whole decoded message. */
  private snoopRaw(datagram: Datagram, record: StoredDatagram, summary: string, sa?: IkeSa): void {
    this.snoopDatagramLine('in', datagram.local, datagram.remote, record.id, summary, sa, datagram.marker);
  }

  private snoopDatagramLine(direction: 'in' | 'out', local: Endpoint, remote: Endpoint, datagramId: number, summary: string, sa?: IkeSa, marker = this.markerFor(local, remote)): void {
    if (!this.snoopLines) return;
    this.emit({
      type: 'snoop.message',
      time: this.now,
      direction,
      local: { ...local },
      remote: { ...remote },
      marker,
      datagramIds: [datagramId],
      summary,
      ...(sa ? { ikeSaId: sa.id } : {}),
      ...(sa?.tunnel ? { tunnel: sa.tunnel.name } : {}),
    });
  }

  private snoopRetransmit(sa: IkeSa, exchange: number, messageId: number, ids: number[], attempt: number): void {
    if (!this.snoopLines) return;
    this.emit({
      type: 'snoop.message',
      time: this.now,
      direction: 'out',
      local: { ...sa.local },
      remote: { ...sa.remote },
      marker: this.markerFor(sa.local, sa.remote),
      datagramIds: ids,
      summary: `${exchangeName(exchange)} request ${messageId} (retransmit ${attempt})`,
      ikeSaId: sa.id,
      ...(sa.tunnel ? { tunnel: sa.tunnel.name } : {}),
    });
  }
}

// --- helpers --------------------------------------------------------------------

function emptyOutput(): CoreOutput {
  return { send: [], stored: [], events: [], timers: [] };
}

function fail(error: string): GatewayCommandResult {
  return { ok: false, error };
}

function halfOpenKey(spiI: Uint8Array, remote: Endpoint): string {
  return `${spiHex(spiI)}|${remote.address}`;
}

export function allPayloadsOf(message: IkeMessage): Payload[] {
  const encrypted = message.encrypted;
  if (encrypted?.kind === 'sk' && encrypted.state === 'decrypted') return [...message.payloads, ...encrypted.payloads];
  return [...message.payloads];
}

const EXCHANGE_NAMES: Record<number, string> = {
  [ExchangeType.IKE_SA_INIT]: 'IKE_SA_INIT',
  [ExchangeType.IKE_AUTH]: 'IKE_AUTH',
  [ExchangeType.CREATE_CHILD_SA]: 'CREATE_CHILD_SA',
  [ExchangeType.INFORMATIONAL]: 'INFORMATIONAL',
};

export function exchangeName(exchange: number): string {
  return EXCHANGE_NAMES[exchange] ?? `EXCHANGE(${exchange})`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codecErrorEvidence(error: unknown): Record<string, unknown> {
  if (error instanceof IkeParseError || error instanceof IkeVerifyError) {
    return {
      codecError: error.code,
      tier: error.tier,
      offset: error.offset,
      ...(error.payloadType !== undefined ? { payloadType: error.payloadType } : {}),
      inEncrypted: error.inEncrypted,
    };
  }
  return { error: errorText(error) };
}

