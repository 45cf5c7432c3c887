/**
 * What diagnosis reads. Everything is an input: the config the engine runs,
 * the events it published (each with the id the server stored it under, so
 * a finding can cite it), optionally a snapshot of the SA tables, optionally
 * the peer's config where an operator typed it in, and `now`. Diagnosis
 * never reads a clock, a socket or a file.
 */
import type { CertificateEvent, DaemonEngineEvent, DataPlaneEvent, EngineEvent, GatewayConfig, TunnelConfig } from '@tunnelscope/api';

/** Every event the engine publishes (SA lifecycle, selection, snoop, coded logs, drops, PSK diagnoses). */
export type TunnelscopeEvent = EngineEvent | DaemonEngineEvent | DataPlaneEvent | CertificateEvent;
export type TunnelscopeEventType = TunnelscopeEvent['type'];

/** An engine event as stored: the id is what findings and wizard steps cite. */
export interface DiagnosisEvent {
  readonly id: number;
  readonly event: TunnelscopeEvent;
}

/** The IKE SA facts diagnosis can use (a subset of the REST IkeSaView and the gateway's IkeSaInfo). */
export interface IkeSaSnapshot {
  readonly id: string;
  readonly tunnel: string | null;
  readonly state: string;
  readonly role: 'initiator' | 'responder';
  readonly remote: { readonly address: string; readonly port: number };
  readonly establishedAt?: number;
  readonly rekeyAt?: number;
  readonly expiresAt?: number;
  /** N(AUTH_LIFETIME) the peer sent in IKE_AUTH (RFC 4478): its IKE SA lifetime left, in seconds. */
  readonly peerAuthLifetimeSeconds?: number;
}

/** The CHILD_SA facts diagnosis can use (REST ChildSaView / gateway ChildSaInfo). */
export interface ChildSaSnapshot {
  readonly id: string;
  readonly ikeSaId: string;
  readonly tunnel: string | null;
  readonly state: string;
  /** Negotiated selectors as the engine lists them: "a.b.c.d-e.f.g.h" ranges or CIDRs. */
  readonly localTs: readonly string[];
  readonly remoteTs: readonly string[];
  readonly establishedAt?: number;
}

export interface SaStateSnapshot {
  readonly ikeSas: readonly IkeSaSnapshot[];
  readonly childSas: readonly ChildSaSnapshot[];
}

/**
 * What an operator knows of the peer's tunnel (all optional): its settings
 * as the peer has them, so `localNetworks` are the PEER's local networks.
 */
export type PeerTunnelConfig = Partial<
  Pick<
    TunnelConfig,
    | 'localNetworks'
    | 'remoteNetworks'
    | 'ikeProposals'
    | 'ipsecProposals'
    | 'ikeLifetimeSeconds'
    | 'ipsecLifetimeSeconds'
    | 'responderPolicy'
    | 'dpd'
  > & { pskType: 'passphrase' | 'hex' }
>;

export interface DiagnosisInput {
  readonly config: GatewayConfig;
  /** Events in the order the engine published them (ids ascending). */
  readonly events: readonly DiagnosisEvent[];
  readonly saState?: SaStateSnapshot;
  /** The peer's settings per OUR tunnel name, only where the operator supplied them. */
  readonly peerConfig?: Readonly<Record<string, PeerTunnelConfig>>;
  /** ms since epoch: events after it are ignored; ages are measured from it. */
  readonly now: number;
}

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set<TunnelscopeEventType>([
  'ike.negotiation.started',
  'ike.sa.up',
  'ike.negotiation.failed',
  'ike.sa.down',
  'ike.rekey.started',
  'ike.sa.rekeyed',
  'ike.rekey.failed',
  'child.negotiation.started',
  'child.sa.up',
  'child.negotiation.failed',
  'child.sa.down',
  'child.rekey.started',
  'child.sa.rekeyed',
  'child.rekey.failed',
  'tunnel.selected',
  'snoop.message',
  'log.event',
  'ike.datagram.dropped',
  'ike.psk.diagnosis',
  // Data plane (issue 8): flows, drops, ESP errors, keep-alive, roaming clients.
  'flow.created',
  'dataplane.packet.dropped',
  'dataplane.esp.error',
  'dataplane.keepalive',
  'cfg.address.assigned',
  'roaming.address.overlap',
  // Certificates (issue 7): CRL fetches, the cache, the certificate directory.
  'cert.crl.fetch',
  'cert.cache.changed',
  'cert.store.problem',
]);

/**
 * The server's stored events (`{ id, event }`, event as the engine emitted
 * it) as diagnosis input: events of types diagnosis does not know are left
 * out rather than guessed at.
 */
export function toDiagnosisEvents(stored: ReadonlyArray<{ readonly id: number; readonly event: { readonly type: string } }>): DiagnosisEvent[] {
  return stored
    .filter((entry) => KNOWN_EVENT_TYPES.has(entry.event.type))
    .map((entry) => ({ id: entry.id, event: entry.event as TunnelscopeEvent }))
    .sort((a, b) => a.id - b.id);
}
