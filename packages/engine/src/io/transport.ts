/**
 * The engine's network seam. The IKE daemon never touches sockets: it hands
 * datagrams to a Transport and receives them from it. Two implementations:
 * `UdpTransport` (real sockets, one pair per local address) and
 * `MemoryTransport` (test-utils: in-memory links between engines).
 *
 * Contract:
 * - `send` never throws for network errors; failures are reported through
 *   the `error` callback so a dead route cannot crash the daemon.
 * - `payload` is the IKE message exactly as it is on the wire after the
 *   optional non-ESP marker: the transport adds the marker when `marker`
 *   is true and strips it on receive, reporting what it saw in `marker`.
 * - Received datagrams are delivered in arrival order, one callback each.
 */

export interface Endpoint {
  address: string;
  port: number;
}

export interface Datagram {
  local: Endpoint;
  remote: Endpoint;
  /** IKE bytes without the non-ESP marker. */
  payload: Uint8Array;
  /** True when the datagram carried (or must carry) the 4-byte non-ESP marker (RFC 3948). */
  marker: boolean;
}

/** What the transport saw that is not an IKE message: counted and shown, never dropped silently. */
export type TransportNotice =
  | { kind: 'nat_keepalive'; local: Endpoint; remote: Endpoint }
  | { kind: 'esp'; local: Endpoint; remote: Endpoint; spi: number; payload: Uint8Array }
  | { kind: 'runt'; local: Endpoint; remote: Endpoint; length: number }
  | { kind: 'send_error'; local: Endpoint; remote: Endpoint; message: string };

export interface TransportHandlers {
  datagram(d: Datagram): void;
  notice(n: TransportNotice): void;
}

export interface Transport {
  /** Starts delivering to the handlers. Resolves once every socket is bound. */
  start(handlers: TransportHandlers): Promise<void>;
  send(d: Datagram): void;
  /** Sends a raw UDP payload as-is (ESP-in-UDP, NAT keep-alive). */
  sendRaw(local: Endpoint, remote: Endpoint, payload: Uint8Array): void;
  /** Local endpoints the transport listens on. */
  endpoints(): Endpoint[];
  stop(): Promise<void>;
}

/** RFC 3948 classification of a UDP payload received on a port that may carry the non-ESP marker. */
export type UdpPayloadClass =
  | { kind: 'ike'; payload: Uint8Array; marker: boolean }
  | { kind: 'nat_keepalive' }
  | { kind: 'esp'; spi: number }
  | { kind: 'runt' };

/**
 * Classifies a UDP payload. `markerPort` says whether the receiving port
 * uses the non-ESP marker (NAT-T port, or any port where the peer prefixes
 * IKE with it); on a plain IKE port the payload is IKE as-is.
 */
export function classifyUdpPayload(payload: Uint8Array, markerPort: boolean): UdpPayloadClass {
  if (payload.length === 1 && payload[0] === 0xff) return { kind: 'nat_keepalive' };
  if (!markerPort) {
    // charon prefixes even IKE_SA_INIT with the marker when neither port is
    // 500 (notes/strongswan-peer.md), so accept it on the plain port too:
    // an IKE header never starts with four zero bytes (SPIi is never 0).
    if (payload.length >= 4 && readUint32(payload, 0) === 0) {
      return payload.length > 4 ? { kind: 'ike', payload: payload.subarray(4), marker: true } : { kind: 'runt' };
    }
    return payload.length > 0 ? { kind: 'ike', payload, marker: false } : { kind: 'runt' };
  }
  if (payload.length < 4) return { kind: 'runt' };
  const first = readUint32(payload, 0);
  if (first === 0) {
    return payload.length > 4 ? { kind: 'ike', payload: payload.subarray(4), marker: true } : { kind: 'runt' };
  }
  return { kind: 'esp', spi: first };
}

export function withNonEspMarker(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 4);
  out.set(payload, 4);
  return out;
}

function readUint32(b: Uint8Array, offset: number): number {
  return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
}

export function endpointKey(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
