/**
 * Classifies a UDP payload on a port that carries both IKE and ESP
 * (4500 and, for strongSwan on non-standard ports, its port_nat_t and even its
 * IKE port), per RFC 3948 section 2 and RFC 7296 section 2.23:
 *
 *   0xFF                        NAT-keepalive (exactly one byte)
 *   00 00 00 00 | IKE message   non-ESP marker, then the IKE header
 *   SPI != 0    | seq | ...     ESP (the SPI is never zero)
 */

export type NonEspClassification =
  | { kind: 'nat-keepalive' }
  /** `ike` is the IKE message after the 4-byte marker (a view, not a copy). */
  | { kind: 'ike'; ike: Uint8Array }
  /** `esp` is the whole payload, starting at the SPI. */
  | { kind: 'esp'; spi: number; sequence: number; esp: Uint8Array }
  | { kind: 'malformed'; reason: string };

/**
 * Splits a UDP-encapsulated payload into keepalive, IKE (marker removed) or
 * ESP. Never throws: anything shorter than the smallest valid form is
 * `malformed` with a reason.
 */
export function splitNonEspMarker(payload: Uint8Array): NonEspClassification {
  if (payload.length === 1 && payload[0] === 0xff) return { kind: 'nat-keepalive' };
  if (payload.length < 4) {
    return { kind: 'malformed', reason: `${payload.length}-byte payload is neither a keepalive, IKE nor ESP` };
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const spi = view.getUint32(0);
  if (spi === 0) {
    if (payload.length < 4 + 28) {
      return { kind: 'malformed', reason: `non-ESP marker followed by ${payload.length - 4} bytes, less than an IKE header` };
    }
    return { kind: 'ike', ike: payload.subarray(4) };
  }
  if (payload.length < 8) {
    return { kind: 'malformed', reason: `${payload.length}-byte payload is too short for an ESP header` };
  }
  return { kind: 'esp', spi, sequence: view.getUint32(4), esp: payload };
}
