/**
 * Offline twin of `ike -snoop`: turns a capture taken on any gateway into
 * snoop entries, rendered by the same `formatSnoopEntry` as the live snoop.
 *
 *   capture bytes -> UDP datagrams on IKE ports -> non-ESP marker stripped
 *     -> header -> keys looked up by (SPIi, SPIr) -> SK/SKF opened
 *     -> fragments reassembled -> summarize / describe -> snoop entry
 *
 * Nothing is guessed: a message whose SK payload cannot be opened shows the
 * encrypted payload as strongSwan does (`SK`) and a note saying why (no keys
 * for that IKE SA, or the supplied keys fail the integrity check).
 */
import {
  IKE_HEADER_LENGTH,
  IkeParseError,
  IkeVerifyError,
  PayloadType,
  decodeCapture,
  decodeHeader,
  decodeMessage,
  decodeReassembledMessage,
  describeMessageText,
  reassembleFragments,
  summarize,
  type IkeHeader,
  type IkeMessage,
  type IkeSaKeyEntry,
  type ReassemblyState,
  type SkContext,
  type UdpDatagram,
} from '@tunnelscope/ike';
import { formatSnoopEntry, type SnoopEntry } from '../cli/format-snoop-entry.ts';

export const DEFAULT_IKE_PORTS: readonly number[] = [500, 4500];

export interface DecodeCaptureOptions {
  /** IKE SA keys (from a Wireshark ikev2_decryption_table). */
  keys?: readonly IkeSaKeyEntry[];
  /** Add the structured `-full` decode under each entry. */
  full?: boolean;
  /** The address shown on the left ("local"); default: the responder of the first IKE_SA_INIT. */
  local?: string;
  /** Extra UDP ports that carry IKE (with or without the non-ESP marker), besides 500 and 4500. */
  ports?: readonly number[];
  /** Zone for timestamps (IANA name or UTC offset); default UTC. */
  timeZone?: string;
  /** Wrap summaries at this width, as the seed's page does (0: no wrap). */
  wrapWidth?: number;
}

export type DecodedEntryKind = 'message' | 'fragment' | 'reassembled' | 'ikev1' | 'malformed';

export interface DecodedCaptureEntry {
  /** 1-based frame number in the capture. */
  frame: number;
  kind: DecodedEntryKind;
  snoop: SnoopEntry;
  /** Why something is not shown decrypted or decoded; absent when all is shown. */
  note?: string;
  /** The formatted text: the snoop entry, then the note on its own line. */
  text: string;
}

export interface DecodeCaptureResult {
  format: 'pcap' | 'pcapng';
  entries: DecodedCaptureEntry[];
  /** Frames that were not UDP on an IKE port, by reason. */
  ignored: Record<string, number>;
  /** Which address was taken as local, and why. */
  local: { address: string | undefined; reason: 'option' | 'first_ike_sa_init_responder' | 'none_found' };
}

interface IkeDatagram {
  frame: number;
  datagram: UdpDatagram;
  bytes: Uint8Array;
}

/** Decodes every IKE message of a pcap/pcapng capture into snoop entries. Throws CaptureParseError for a malformed file. */
export function decodeIkeCapture(capture: Uint8Array, options: DecodeCaptureOptions = {}): DecodeCaptureResult {
  const contents = decodeCapture(capture);
  const ports = new Set([...DEFAULT_IKE_PORTS, ...(options.ports ?? [])]);
  const ignored: Record<string, number> = {};
  const bump = (reason: string) => {
    ignored[reason] = (ignored[reason] ?? 0) + 1;
  };
  for (const s of contents.skipped) bump(s.reason);

  const ikeDatagrams: IkeDatagram[] = [];
  for (const record of contents.records) {
    if (!ports.has(record.src.port) && !ports.has(record.dst.port)) {
      bump('not-ike-port');
      continue;
    }
    const bytes = ikeBytesOf(record.payload);
    if (bytes === undefined) {
      bump('esp-or-keepalive');
      continue;
    }
    ikeDatagrams.push({ frame: record.frame, datagram: record, bytes });
  }

  const local = chooseLocal(ikeDatagrams, options.local);
  const keysBySpis = new Map((options.keys ?? []).map((k) => [spiKey(k.spiInitiator, k.spiResponder), k]));
  const reassembly = new Map<string, ReassemblyState | undefined>();
  const entries: DecodedCaptureEntry[] = [];
  const timeZone = options.timeZone ?? 'UTC';

  const emit = (d: IkeDatagram, kind: DecodedEntryKind, summary: string, ikeVersion: 1 | 2, message?: IkeMessage, note?: string) => {
    const outbound = local.address !== undefined && d.datagram.src.address === local.address;
    const snoop: SnoopEntry = {
      timestamp: d.datagram.timestampMs,
      timeZone,
      local: outbound ? d.datagram.src : d.datagram.dst,
      remote: outbound ? d.datagram.dst : d.datagram.src,
      direction: outbound ? 'out' : 'in',
      summary,
      ikeVersion,
      ...(options.full && message ? { fullText: describeMessageText(message, { withSummary: false }) } : {}),
    };
    const formatted = formatSnoopEntry(snoop, { wrapWidth: options.wrapWidth ?? 0 });
    entries.push({ frame: d.frame, kind, snoop, ...(note ? { note } : {}), text: note ? `${formatted}\n ! ${note}` : formatted });
  };

  for (const d of ikeDatagrams) {
    const majorVersion = d.bytes.length > 17 ? d.bytes[17]! >> 4 : 0;
    if (majorVersion === 1) {
      emit(d, 'ikev1', 'IKEv1 message (not decoded: IKEv1 is not supported in this release)', 1);
      continue;
    }
    let header: IkeHeader;
    try {
      header = decodeHeader(d.bytes).header;
    } catch (err) {
      emit(d, 'malformed', 'undecodable message', 2, undefined, errorText(err));
      continue;
    }
    const entry = keysBySpis.get(spiKey(header.initiatorSpi, header.responderSpi));
    const sk: SkContext | undefined = entry
      ? {
          suite: entry.suite,
          keys: header.initiator ? { encKey: entry.skEi, integKey: entry.skAi } : { encKey: entry.skEr, integKey: entry.skAr },
        }
      : undefined;
    let message: IkeMessage;
    let note: string | undefined;
    try {
      message = decodeMessage(d.bytes, sk ? { sk } : {});
    } catch (err) {
      if (!(err instanceof IkeVerifyError)) {
        emit(d, 'malformed', `${headerSummary(header)} (malformed)`, 2, undefined, errorText(err));
        continue;
      }
      // Show what the peer sent even when it breaks the exchange's rules.
      message = decodeMessage(d.bytes, { ...(sk ? { sk } : {}), verify: false });
      note = errorText(err);
    }
    const sealedNote = sealedReason(message, header, entry !== undefined);
    const encrypted = message.encrypted;
    if (encrypted?.kind === 'skf') {
      emit(d, 'fragment', summarize(message), 2, message, note ?? sealedNote);
      if (encrypted.state !== 'decrypted') continue;
      const key = `${spiKey(header.initiatorSpi, header.responderSpi)}|${header.messageId}|${header.initiator}|${header.response}`;
      const step = reassembleFragments(reassembly.get(key), {
        fragmentNumber: encrypted.fragmentNumber,
        totalFragments: encrypted.totalFragments,
        firstPayload: encrypted.firstPayload,
        plaintext: encrypted.plaintext,
      });
      reassembly.set(key, step.state);
      if (step.outcome.status === 'complete') {
        try {
          const whole = decodeReassembledMessage(header, step.outcome.firstPayload, step.outcome.plaintext, { clearPayloads: message.payloads });
          emit(d, 'reassembled', summarize(whole), 2, whole);
        } catch (err) {
          emit(d, 'malformed', `${headerSummary(header)} (reassembled, malformed)`, 2, undefined, errorText(err));
        }
      }
      continue;
    }
    emit(d, 'message', summarize(message), 2, message, note ?? sealedNote);
  }

  return { format: contents.format, entries, ignored, local };
}

/** IKE bytes of a UDP payload, or undefined for ESP-in-UDP and NAT keep-alives. */
function ikeBytesOf(payload: Uint8Array): Uint8Array | undefined {
  if (payload.length === 1 && payload[0] === 0xff) return undefined;
  if (payload.length >= 4 && payload[0] === 0 && payload[1] === 0 && payload[2] === 0 && payload[3] === 0) {
    return payload.length > 4 ? payload.subarray(4) : undefined;
  }
  // Without the marker: IKE only if it looks like an IKE header (version byte
  // and length field agree), otherwise it is ESP on a shared port.
  return looksLikeIkeHeader(payload) ? payload : undefined;
}

function looksLikeIkeHeader(b: Uint8Array): boolean {
  if (b.length < IKE_HEADER_LENGTH) return false;
  const major = b[17]! >> 4;
  if (major !== 1 && major !== 2) return false;
  const length = ((b[24]! << 24) | (b[25]! << 16) | (b[26]! << 8) | b[27]!) >>> 0;
  return length === b.length;
}

function chooseLocal(datagrams: readonly IkeDatagram[], option: string | undefined): DecodeCaptureResult['local'] {
  if (option) return { address: option, reason: 'option' };
  for (const d of datagrams) {
    const b = d.bytes;
    const exchange = b[18];
    const flags = b[19] ?? 0;
    const isResponse = (flags & 0x20) !== 0;
    if (b.length >= IKE_HEADER_LENGTH && exchange === 34 && !isResponse) {
      return { address: d.datagram.dst.address, reason: 'first_ike_sa_init_responder' };
    }
  }
  return { address: undefined, reason: 'none_found' };
}

function sealedReason(message: IkeMessage, header: IkeHeader, haveKeys: boolean): string | undefined {
  const e = message.encrypted;
  if (!e || e.state === 'decrypted') return undefined;
  const sa = `IKE SA ${hex(header.initiatorSpi)}_i ${hex(header.responderSpi)}_r`;
  const what = e.kind === 'skf' ? 'encrypted fragment' : 'encrypted payload';
  if (e.state === 'no_keys') {
    return haveKeys ? `${what} not decrypted` : `${what} not decrypted: no keys for ${sa} (give --keys with an ikev2_decryption_table line for it)`;
  }
  if (e.state === 'integrity_failed') return `${what} not decrypted: the keys given for ${sa} fail its integrity check`;
  return `${what} not decrypted: ${e.detail ?? 'the keys given cannot open it'}`;
}

function headerSummary(h: IkeHeader): string {
  const names: Record<number, string> = { 34: 'IKE_SA_INIT', 35: 'IKE_AUTH', 36: 'CREATE_CHILD_SA', 37: 'INFORMATIONAL' };
  return `${names[h.exchangeType] ?? `EXCHANGE_${h.exchangeType}`} ${h.response ? 'response' : 'request'} ${h.messageId}`;
}

function errorText(err: unknown): string {
  if (err instanceof IkeParseError || err instanceof IkeVerifyError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function spiKey(i: Uint8Array, r: Uint8Array): string {
  return `${hex(i)}:${hex(r)}`;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Unused-type guard so PayloadType stays the documented source of SK numbers. */
export const ENCRYPTED_PAYLOAD_TYPES = [PayloadType.SK, PayloadType.SKF] as const;
