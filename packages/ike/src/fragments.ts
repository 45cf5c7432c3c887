/**
 * IKEv2 message fragmentation (RFC 7383).
 *
 * Sending: the plaintext inner payload chain of the SK payload is cut into
 * pieces, each sealed in its own SKF payload of a message with the same
 * header (same Message ID). Fragment 1 carries the first inner payload type
 * in its Next Payload, the others 0 (§2.5). The piece size is the largest
 * whose datagram (IP + UDP + optional non-ESP marker + IKE header + SKF
 * header + sealed body) fits `maxDatagramSize`, as strongSwan's
 * fragment_size counts the whole IP datagram.
 *
 * Receiving: `reassembleFragments` is a pure step function. Feed it the
 * state (undefined at first) and one decrypted fragment; it returns the new
 * state and an outcome: incomplete, complete (with the joined plaintext),
 * duplicate, inconsistent total, or invalid. Per §2.6, a fragment with a
 * larger Total Fragments than seen so far means the sender re-fragmented:
 * the earlier pieces are dropped and collection restarts; a smaller total is
 * a stale retransmission and is dropped. Keep one state per (IKE SA,
 * Message ID, direction); a decoded SKF section in state 'decrypted' is
 * itself a `DecryptedFragment`.
 */
import { IKE_HEADER_LENGTH, PayloadType } from './constants.ts';
import { skBodyLength } from './crypto/index.ts';
import { IkeEncodeError } from './errors.ts';
import {
  decodeInnerPayloads,
  encodeInnerPayloads,
  encodeMessage,
  verifyMessage,
  type EncodeOptions,
  type IkeHeader,
  type IkeMessage,
  type SkContext,
} from './message.ts';
import { chainEncodingLength, firstPayloadType, type Payload } from './payloads/payload-chain.ts';

const SKF_HEADER_LENGTH = 8;
const UDP_HEADER_LENGTH = 8;
const NON_ESP_MARKER = 4;
const MAX_TOTAL_FRAGMENTS = 0xffff;

export interface FragmentOptions {
  readonly sk: SkContext & {
    /** One IV per fragment, for deterministic tests. */
    readonly ivs?: readonly Uint8Array[];
  };
  /** Largest IP datagram a fragment may produce (strongSwan's default fragment_size is 1280). */
  readonly maxDatagramSize: number;
  /** IP header size to account for: 4 -> 20 octets, 6 -> 40. Default 4. */
  readonly ipVersion?: 4 | 6;
  /** Whether the datagrams carry the 4-byte non-ESP marker (port 4500 or non-500 ports). */
  readonly nonEspMarker?: boolean;
}

/** Largest plaintext piece whose SKF message fits in `budget` bytes of sealed body, or 0. */
function largestPiece(sk: SkContext, budget: number): number {
  let piece = budget;
  while (piece > 0 && skBodyLength(sk.suite, piece) > budget) piece--;
  return piece;
}

/**
 * Encodes a message whose SK content is decrypted into SKF fragment
 * datagrams (IKE messages, without IP/UDP headers or marker). A message that
 * fits in one datagram still yields fragments (1/1): the caller decides
 * whether to fragment at all (only when both peers sent FRAG_SUP).
 */
export function encodeFragments(message: IkeMessage, options: FragmentOptions): Uint8Array[] {
  const encrypted = message.encrypted;
  if (encrypted?.kind !== 'sk' || encrypted.state !== 'decrypted') {
    throw new IkeEncodeError('invalid_value', 'only a message with decrypted SK content can be fragmented');
  }
  const overhead =
    (options.ipVersion === 6 ? 40 : 20) + UDP_HEADER_LENGTH + (options.nonEspMarker ? NON_ESP_MARKER : 0) +
    IKE_HEADER_LENGTH + SKF_HEADER_LENGTH;
  const clearLength = chainEncodingLength(message.payloads);
  // Clear payloads (rare) ride in the first fragment only; size pieces for it.
  const budget = options.maxDatagramSize - overhead - clearLength;
  const piece = budget > 0 ? largestPiece(options.sk, budget) : 0;
  if (piece <= 0) {
    throw new IkeEncodeError('fragment_too_small', `max datagram ${options.maxDatagramSize} leaves no room for content`);
  }
  const plaintext = encodeInnerPayloads(encrypted.payloads);
  const total = Math.max(1, Math.ceil(plaintext.length / piece));
  if (total > MAX_TOTAL_FRAGMENTS) {
    throw new IkeEncodeError('fragment_too_small', `${total} fragments exceed the 65535 allowed`);
  }
  const firstInner = firstPayloadType(encrypted.payloads, PayloadType.NONE);
  const datagrams: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    const iv = options.sk.ivs?.[i];
    const encodeOptions: EncodeOptions = { sk: { suite: options.sk.suite, keys: options.sk.keys, ...(iv ? { iv } : {}) } };
    datagrams.push(
      encodeMessage(
        {
          header: message.header,
          payloads: i === 0 ? message.payloads : [],
          encrypted: {
            kind: 'skf',
            state: 'decrypted',
            fragmentNumber: i + 1,
            totalFragments: total,
            firstPayload: i === 0 ? firstInner : PayloadType.NONE,
            plaintext: plaintext.subarray(i * piece, Math.min(plaintext.length, (i + 1) * piece)),
          },
        },
        encodeOptions,
      ),
    );
  }
  return datagrams;
}

// --- reassembly -----------------------------------------------------------------

export interface DecryptedFragment {
  readonly fragmentNumber: number;
  readonly totalFragments: number;
  /** Next Payload of the SKF header (meaningful in fragment 1 only). */
  readonly firstPayload: number;
  readonly plaintext: Uint8Array;
}

export interface ReassemblyState {
  readonly totalFragments: number;
  readonly pieces: ReadonlyMap<number, Uint8Array>;
  /** First inner payload type, once fragment 1 arrived. */
  readonly firstPayload: number | undefined;
  readonly bytes: number;
}

export type ReassemblyOutcome =
  | { readonly status: 'incomplete'; readonly received: number; readonly total: number; readonly restarted: boolean }
  | { readonly status: 'complete'; readonly firstPayload: number; readonly plaintext: Uint8Array; readonly total: number }
  | { readonly status: 'duplicate'; readonly fragmentNumber: number }
  | { readonly status: 'inconsistent_total'; readonly expected: number; readonly got: number }
  | { readonly status: 'invalid'; readonly detail: string };

export interface ReassemblyLimits {
  /** Most fragments accepted for one message (default 64). */
  readonly maxFragments?: number;
  /** Most plaintext bytes collected for one message (default 65535). */
  readonly maxBytes?: number;
}

function emptyState(totalFragments: number): ReassemblyState {
  return { totalFragments, pieces: new Map(), firstPayload: undefined, bytes: 0 };
}

/** One reassembly step: never mutates `state`. */
export function reassembleFragments(
  state: ReassemblyState | undefined,
  fragment: DecryptedFragment,
  limits: ReassemblyLimits = {},
): { state: ReassemblyState | undefined; outcome: ReassemblyOutcome } {
  const maxFragments = limits.maxFragments ?? 64;
  const maxBytes = limits.maxBytes ?? 0xffff;
  const { fragmentNumber, totalFragments } = fragment;
  if (fragmentNumber < 1 || totalFragments < 1 || fragmentNumber > totalFragments) {
    return { state, outcome: { status: 'invalid', detail: `fragment ${fragmentNumber} of ${totalFragments}` } };
  }
  if (totalFragments > maxFragments) {
    return { state, outcome: { status: 'invalid', detail: `${totalFragments} fragments exceed the limit of ${maxFragments}` } };
  }
  let current = state;
  let restarted = false;
  if (!current || totalFragments > current.totalFragments) {
    restarted = current !== undefined && current.pieces.size > 0;
    current = emptyState(totalFragments);
  } else if (totalFragments < current.totalFragments) {
    return { state: current, outcome: { status: 'inconsistent_total', expected: current.totalFragments, got: totalFragments } };
  }
  if (current.pieces.has(fragmentNumber)) {
    return { state: current, outcome: { status: 'duplicate', fragmentNumber } };
  }
  const bytes = current.bytes + fragment.plaintext.length;
  if (bytes > maxBytes) {
    return { state: current, outcome: { status: 'invalid', detail: `${bytes} bytes exceed the limit of ${maxBytes}` } };
  }
  const pieces = new Map(current.pieces);
  pieces.set(fragmentNumber, fragment.plaintext);
  const next: ReassemblyState = {
    totalFragments,
    pieces,
    firstPayload: fragmentNumber === 1 ? fragment.firstPayload : current.firstPayload,
    bytes,
  };
  if (pieces.size < totalFragments) {
    return { state: next, outcome: { status: 'incomplete', received: pieces.size, total: totalFragments, restarted } };
  }
  const plaintext = new Uint8Array(bytes);
  let at = 0;
  for (let number = 1; number <= totalFragments; number++) {
    const piece = pieces.get(number)!;
    plaintext.set(piece, at);
    at += piece.length;
  }
  return {
    state: undefined,
    outcome: { status: 'complete', firstPayload: next.firstPayload ?? PayloadType.NONE, plaintext, total: totalFragments },
  };
}

/**
 * The whole message once its fragments are joined: the header of any
 * fragment (and the clear payloads of fragment 1, if it had any), the inner
 * chain decoded from the joined plaintext, and the exchange's rules checked
 * (unless `verify` is false). Offsets in errors are plaintext offsets.
 */
export function decodeReassembledMessage(
  header: IkeHeader,
  firstPayload: number,
  plaintext: Uint8Array,
  options: { verify?: boolean; clearPayloads?: readonly Payload[] } = {},
): IkeMessage {
  const verify = options.verify ?? true;
  const inner = decodeInnerPayloads(plaintext, firstPayload, { verify });
  const message: IkeMessage = {
    header,
    payloads: options.clearPayloads ?? [],
    encrypted: { kind: 'sk', state: 'decrypted', payloads: inner.payloads },
  };
  if (verify) verifyMessage(message, { inner: inner.offsets });
  return message;
}
