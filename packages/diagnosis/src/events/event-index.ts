/**
 * The input events, indexed once for the rules: in id order, only those at
 * or before `now`, each attributed to a tunnel and a peer address.
 *
 * Attribution, in order of trust: the tunnel the event names; the tunnel
 * the engine last selected for its IKE SA (tunnel.selected, lifecycle
 * events, read in event order so a restarted engine reusing "ike-1" is
 * not confused with the earlier one); the tunnel whose remote endpoint is
 * the peer's address; the tunnel last seen with that peer.
 */
import type { GatewayConfig, LogEvent } from '@tunnelscope/api';
import type { DiagnosisEvent, TunnelscopeEvent, TunnelscopeEventType } from '../model/diagnosis-input.ts';

export interface IndexedEvent {
  readonly id: number;
  readonly event: TunnelscopeEvent;
  readonly time: number;
  readonly tunnel: string | null;
  readonly peer: string | null;
  readonly ikeSaId: string | null;
}

export interface IndexedLog extends IndexedEvent {
  readonly event: LogEvent;
}

export type IndexedOf<T extends TunnelscopeEventType> = IndexedEvent & { readonly event: Extract<TunnelscopeEvent, { type: T }> };

function ikeSaIdOf(event: TunnelscopeEvent): string | null {
  if ('ikeSaId' in event && typeof event.ikeSaId === 'string') return event.ikeSaId;
  return null;
}

function peerOf(event: TunnelscopeEvent): string | null {
  switch (event.type) {
    case 'log.event':
      return event.peer?.address ?? null;
    case 'snoop.message':
    case 'ike.datagram.dropped':
    case 'ike.negotiation.started':
    case 'ike.sa.up':
      return event.remote.address;
    case 'ike.psk.diagnosis':
      return event.peer.address;
    case 'dataplane.esp.error':
      return event.remote.address;
    default:
      return null;
  }
}

function namedTunnel(event: TunnelscopeEvent): string | null {
  switch (event.type) {
    case 'tunnel.selected':
      return event.selection.tunnel;
    case 'ike.datagram.dropped':
      return null;
    default:
      return 'tunnel' in event && typeof event.tunnel === 'string' ? event.tunnel : null;
  }
}

/** Datagram ids an event itself names. */
export function datagramIdsOf(event: TunnelscopeEvent): number[] {
  switch (event.type) {
    case 'snoop.message':
      return [...event.datagramIds];
    case 'log.event':
      return [...event.evidence.datagramIds];
    case 'ike.datagram.dropped':
      return event.datagramId === undefined ? [] : [event.datagramId];
    default: {
      const evidence = 'evidence' in event ? event.evidence : undefined;
      const ids = evidence && typeof evidence === 'object' ? (evidence as Record<string, unknown>).datagramIds : undefined;
      return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
    }
  }
}

/** The event's own words, for an evidence line. */
export function describeEvent(event: TunnelscopeEvent): string {
  switch (event.type) {
    case 'snoop.message':
      return `${event.local.address}:${event.local.port} ${event.direction === 'in' ? '<-' : '->'} ${event.remote.address}:${event.remote.port} ${event.summary}`;
    case 'log.event':
      return event.message;
    case 'ike.datagram.dropped':
      return `dropped datagram from ${event.remote.address}:${event.remote.port}: ${event.detail}`;
    case 'ike.psk.diagnosis':
      return event.conclusion;
    case 'tunnel.selected':
      return `${event.selection.phase}: ${event.selection.reason}`;
    case 'ike.negotiation.failed':
    case 'ike.rekey.failed':
    case 'child.negotiation.failed':
    case 'child.rekey.failed':
      return `${event.type} (${event.code}): ${event.message}`;
    case 'ike.sa.down':
    case 'child.sa.down':
      return `${event.type}: ${event.reason}`;
    case 'ike.negotiation.started':
    case 'ike.sa.up':
      return `${event.type} as ${event.role} with ${event.remote.address}:${event.remote.port}`;
    case 'dataplane.packet.dropped':
    case 'dataplane.esp.error':
    case 'roaming.address.overlap':
    case 'cert.store.problem':
      return event.message;
    case 'dataplane.keepalive':
      return `keep-alive ${event.tunnel} ${event.source} -> ${event.destination}: ${event.state} (sent ${event.sent}, received ${event.received}, ${event.lost} lost in a row${event.lastError ? `; ${event.lastError}` : ''})`;
    case 'cert.crl.fetch':
      return `CRL ${event.url}: ${event.state}${event.error ? ` (${event.error})` : ''}`;
    case 'cert.cache.changed':
      return `certificate cache ${event.reason}: ${event.certificates} certificate(s), ${event.crls} CRL(s)`;
    default:
      return `${event.type} ${ikeSaIdOf(event) ?? ''}`.trim();
  }
}

export class EventIndex {
  readonly entries: readonly IndexedEvent[];
  private readonly byId = new Map<number, IndexedEvent>();

  constructor(events: readonly DiagnosisEvent[], config: GatewayConfig, now: number) {
    const ordered = [...events].filter((e) => e.event.time <= now).sort((a, b) => a.id - b.id);
    const tunnelOfSa = new Map<string, string>();
    const tunnelOfPeer = new Map<string, string>();
    const configuredPeer = new Map<string, string>();
    for (const tunnel of config.tunnels) {
      if (tunnel.enabled && tunnel.remoteEndpoint !== 'none' && !configuredPeer.has(tunnel.remoteEndpoint)) configuredPeer.set(tunnel.remoteEndpoint, tunnel.name);
    }
    const entries: IndexedEvent[] = [];
    for (const { id, event } of ordered) {
      const ikeSaId = ikeSaIdOf(event);
      const peer = peerOf(event);
      const named = namedTunnel(event);
      if (event.type === 'ike.negotiation.started' && ikeSaId !== null) {
        // A new negotiation with this handle: forget what an earlier SA of the same id was.
        if (named === null) tunnelOfSa.delete(ikeSaId);
      }
      if (named !== null && ikeSaId !== null) tunnelOfSa.set(ikeSaId, named);
      if (event.type === 'ike.sa.rekeyed' && named !== null) tunnelOfSa.set(event.newIkeSaId, named);
      const tunnel =
        named ??
        (ikeSaId !== null ? tunnelOfSa.get(ikeSaId) : undefined) ??
        (peer !== null ? (configuredPeer.get(peer) ?? tunnelOfPeer.get(peer)) : undefined) ??
        null;
      if (peer !== null && tunnel !== null && (event.type === 'ike.negotiation.started' || event.type === 'ike.sa.up')) tunnelOfPeer.set(peer, tunnel);
      const entry: IndexedEvent = { id, event, time: event.time, tunnel, peer, ikeSaId };
      entries.push(entry);
      this.byId.set(id, entry);
    }
    this.entries = entries;
  }

  get(id: number): IndexedEvent | undefined {
    return this.byId.get(id);
  }

  ofType<T extends TunnelscopeEventType>(type: T): Array<IndexedOf<T>> {
    return this.entries.filter((e): e is IndexedOf<T> => e.event.type === type);
  }

  /** Coded log events whose daemon condition is one of `conditions`. */
  logsWithCondition(conditions: readonly string[]): IndexedLog[] {
    return this.ofType('log.event').filter((e) => conditions.includes(e.event.condition ?? ''));
  }

  logsWithCode(codes: readonly string[]): IndexedLog[] {
    return this.ofType('log.event').filter((e) => codes.includes(e.event.code));
  }

  forTunnel(tunnel: string): IndexedEvent[] {
    return this.entries.filter((e) => e.tunnel === tunnel);
  }

  /** Snoop lines rendered from any of these datagrams. */
  snoopLinesFor(datagramIds: readonly number[]): Array<IndexedOf<'snoop.message'>> {
    const wanted = new Set(datagramIds);
    return this.ofType('snoop.message').filter((e) => e.event.datagramIds.some((id) => wanted.has(id)));
  }

  /** Every datagram id some input event names. */
  knownDatagramIds(): Set<number> {
    const ids = new Set<number>();
    for (const entry of this.entries) for (const id of datagramIdsOf(entry.event)) ids.add(id);
    return ids;
  }
}
