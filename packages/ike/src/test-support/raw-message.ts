/**
 * Builds raw IKE datagrams byte by byte, independent of the encoder, so
 * hand-written vectors and error cases can say exactly what is on the wire
 * (including lies: wrong lengths, bad chains).
 */

export interface RawPayload {
  readonly type: number;
  readonly body: Uint8Array | readonly number[];
  readonly critical?: boolean;
  /** Override the generic header Length (to make it lie). */
  readonly length?: number;
  /** Override the generic header Next Payload. */
  readonly next?: number;
}

export interface RawHeader {
  readonly initiatorSpi?: readonly number[];
  readonly responderSpi?: readonly number[];
  readonly exchangeType: number;
  readonly messageId?: number;
  /** Flags byte; default I (0x08), plus 0x20 for responses. */
  readonly flags?: number;
  readonly version?: number;
  /** Override the first Next Payload. */
  readonly firstPayload?: number;
  /** Override the Length field. */
  readonly length?: number;
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16));
}

/** Generic-header-linked payload chain bytes. */
export function rawChain(payloads: readonly RawPayload[]): Uint8Array {
  const parts: number[] = [];
  payloads.forEach((payload, i) => {
    const body = Array.from(payload.body);
    const next = payload.next ?? payloads[i + 1]?.type ?? 0;
    const length = payload.length ?? body.length + 4;
    parts.push(next, payload.critical ? 0x80 : 0, length >> 8, length & 0xff, ...body);
  });
  return Uint8Array.from(parts);
}

export function rawMessage(header: RawHeader, payloads: readonly RawPayload[], trailer: readonly number[] = []): Uint8Array {
  const chain = rawChain(payloads);
  const total = 28 + chain.length + trailer.length;
  const length = header.length ?? total;
  const messageId = header.messageId ?? 0;
  const out = Uint8Array.from([
    ...(header.initiatorSpi ?? [1, 2, 3, 4, 5, 6, 7, 8]),
    ...(header.responderSpi ?? [0, 0, 0, 0, 0, 0, 0, 0]),
    header.firstPayload ?? payloads[0]?.type ?? 0,
    header.version ?? 0x20,
    header.exchangeType,
    header.flags ?? 0x08,
    messageId >>> 24,
    (messageId >>> 16) & 0xff,
    (messageId >>> 8) & 0xff,
    messageId & 0xff,
    length >>> 24,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
    ...chain,
    ...trailer,
  ]);
  return out;
}
