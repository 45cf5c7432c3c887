/**
 * The daemon's per-SA state. An IKE SA moves through these states; every
 * exchange on it is a request/response pair with window size 1 in each
 * direction (RFC 7296 §2.3): our own requests are queued behind the one
 * outstanding, the peer's are answered in message-id order with the last
 * response cached for its retransmissions.
 *
 *   initiator                                   responder
 *
 *   initiate()                                  IKE_SA_INIT request
 *       |                                           |  (cookie? proposal? KE group?)
 *       v                                           v
 *   [init_sent] --N(INVALID_KE)/N(COOKIE)-->    [half_open] --no IKE_AUTH in time--> (gone)
 *       |         resend IKE_SA_INIT                |
 *       | IKE_SA_INIT response                      | IKE_AUTH request, AUTH verifies
 *       v                                           |          \--AUTH fails--> N(AUTH_FAILED), (gone)
 *   [auth_sent] --N(AUTH_FAILED)/bad AUTH--> (gone) |
 *       | IKE_AUTH response, AUTH verifies          |
 *       v                                           v
 *   [established] <------------------------------ [established]
 *       |  CREATE_CHILD_SA (child / child rekey / IKE rekey), INFORMATIONAL (DPD, DELETE)
 *       |--IKE rekey done--> [rekeyed] --DELETE of the old SA--> (gone)
 *       |--deleteIkeSa()--> [deleting] --response or retransmits exhausted--> (gone)
 *       '--peer DELETE / DPD dead / hard lifetime--> (gone)
 *
 * A CHILD_SA:
 *
 *   [installing] --response ok--> [installed] --rekey--> [rekeying] --new SA up--> [rekeyed] --DELETE--> (gone)
 *        '--failure--> (gone)          '--delete/expire--> [deleting] --> (gone)
 */
import type { TunnelConfig } from '@tunnelscope/api';
import type { ChildSaKeys, IkeSaKeys, KeyExchange, Payload, Proposal, ReassemblyState, TrafficSelector } from '@tunnelscope/ike';
import type { Endpoint } from '../io/transport.ts';

export type IkeSaState = 'init_sent' | 'half_open' | 'auth_sent' | 'established' | 'rekeyed' | 'deleting';
export type ChildSaState = 'installing' | 'installed' | 'rekeying' | 'rekeyed' | 'deleting';
export type Role = 'initiator' | 'responder';

/** What a request we sent is for: decides how its response is processed. */
export type RequestPurpose =
  | { kind: 'ike_sa_init' }
  | { kind: 'ike_auth'; childSaId: string }
  | { kind: 'create_child'; childSaId: string }
  | { kind: 'rekey_child'; oldChildSaId: string; childSaId: string }
  | { kind: 'rekey_ike'; newIkeSaId: string }
  | { kind: 'delete_child'; childSaIds: string[] }
  | { kind: 'delete_ike' }
  | { kind: 'dpd' };

export interface OutstandingRequest {
  messageId: number;
  exchange: number;
  purpose: RequestPurpose;
  /** Encoded datagrams (one, or the fragments) exactly as sent. */
  datagrams: Uint8Array[];
  /** Store ids of every transmission of this request. */
  datagramIds: number[];
  attempt: number;
  firstSentAt: number;
  /** For DPD: give up at this time even if retransmissions are left. */
  deadline?: number;
}

/** A request waiting for the window (one outstanding at a time). */
export interface QueuedRequest {
  exchange: number;
  payloads: Payload[];
  purpose: RequestPurpose;
  deadline?: number;
}

export interface CachedResponse {
  messageId: number;
  datagrams: Uint8Array[];
}

export interface NatState {
  /** Our address/port is translated (NAT_DETECTION_DESTINATION_IP mismatch). */
  local: boolean;
  /** The peer's is (NAT_DETECTION_SOURCE_IP mismatch). */
  remote: boolean;
}

export interface IkeSa {
  id: string;
  /** The tunnel currently selected (may change in IKE_AUTH). */
  tunnel: TunnelConfig | undefined;
  /** Who initiated this IKE SA (for a rekeyed SA: who initiated the rekey). */
  role: Role;
  state: IkeSaState;
  spiI: Uint8Array;
  spiR: Uint8Array;
  local: Endpoint;
  remote: Endpoint;
  /** Moved to the NAT-T port (RFC 7296 §2.23) and when. */
  floatedAt?: number;
  lastReceivedAfterFloat?: number;
  nat: NatState;
  createdAt: number;
  establishedAt?: number;
  lastPeerPacketAt: number;
  /** Negotiated IKE proposal. */
  proposal?: Proposal;
  keys?: IkeSaKeys;
  /** IKE_SA_INIT material kept for AUTH (RFC 7296 §2.15). */
  nonceI: Uint8Array;
  nonceR: Uint8Array;
  initRequest?: Uint8Array;
  initResponse?: Uint8Array;
  keyExchange?: KeyExchange;
  /** The IKE proposals we offered as initiator. */
  offeredProposals?: Proposal[];
  /** Group to use in KE after N(INVALID_KE_PAYLOAD); set once. */
  invalidKeRetried: boolean;
  cookie?: Uint8Array;
  /** Our next request message id / the peer's next expected one. */
  nextRequestId: number;
  nextPeerRequestId: number;
  outstanding?: OutstandingRequest;
  queue: QueuedRequest[];
  lastResponse?: CachedResponse;
  children: Set<string>;
  /** Peer capabilities and facts. */
  peerFragmentation: boolean;
  peerVendorIds: string[];
  peerAuthLifetimeSeconds?: number;
  peerIdentity?: string;
  /** Rekey/expiry schedule (ms since epoch). */
  rekeyAt?: number;
  expireAt?: number;
  dpdState: 'idle' | 'probing' | 'dead';
  /** Datagram ids seen on this SA (evidence). */
  datagramIds: number[];
  /** Message ids in this SA's exchanges so far (evidence). */
  messageIds: number[];
  /** Fragment reassembly of an incoming message (RFC 7383). */
  reassembly?: FragmentReassembly;
  /** The IKE SA this one replaces (rekey) and the one that replaced it. */
  rekeyOf?: string;
  replacedBy?: string;
  /** Our own pending rekey of this SA: the new SA being negotiated (not registered yet). */
  ikeRekeyInProgress?: IkeSa;
  /** Simultaneous rekeys of this SA (RFC 7296 §2.8.2), resolved once both exchanges are done. */
  rekeyCollision?: RekeyCollision;
  /** Why we are deleting it (reported when the DELETE completes). */
  deleteReason?: string;
  /** The peer's ID payload content (IDi or IDr) once authenticated. */
  peerIdWire?: { idType: number; data: Uint8Array };
  /** A failure has been reported for this negotiation (so a retransmit timeout doesn't report it again). */
  negotiationReported: boolean;
  /** Tunnel address from a configuration payload: the one we leased to the peer (responder) or were given (initiator). */
  virtualIp?: string;
  /** Certificate IKE_AUTH parked until this verification answers (certificate-auth.ts). */
  certVerificationRequestId?: string;
  /** Subject DN of the peer's certificate once it verified. */
  peerCertificateSubject?: string;
}

export interface FragmentReassembly {
  messageId: number;
  isResponse: boolean;
  /** The codec's reassembly state (undefined before the first fragment / after completion). */
  state: ReassemblyState | undefined;
  datagramIds: number[];
  startedAt: number;
}

export interface ChildSa {
  id: string;
  ikeSaId: string;
  tunnel: TunnelConfig | undefined;
  state: ChildSaState;
  /** Who initiated the exchange that created it. */
  role: Role;
  spiIn: number;
  spiOut: number;
  proposal?: Proposal;
  pfsGroup: number;
  localTs: TrafficSelector[];
  remoteTs: TrafficSelector[];
  keys?: ChildSaKeys;
  createdAt: number;
  establishedAt?: number;
  rekeyAt?: number;
  expireAt?: number;
  rekeyOf?: string;
  replacedBy?: string;
  /** Our nonce in the exchange that created it (collision resolution, RFC 7296 §2.8.1). */
  nonces: Uint8Array[];
  /** For a rekey started by us: the DH exchange with PFS. */
  keyExchange?: KeyExchange;
  nonceLocal?: Uint8Array;
  offeredProposals?: Proposal[];
  offeredTs?: { tsi: TrafficSelector[]; tsr: TrafficSelector[] };
  rekeyCollision?: RekeyCollision;
  deleteReason?: string;
}

/** Both new SAs of a simultaneous rekey, each with the two nonces of its exchange. */
export interface RekeyCollision {
  ours?: { newId: string; nonces: Uint8Array[] };
  theirs?: { newId: string; nonces: Uint8Array[] };
}

export function spiHex(spi: Uint8Array): string {
  let out = '';
  for (const byte of spi) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function spi32Hex(spi: number): string {
  return (spi >>> 0).toString(16).padStart(8, '0');
}
