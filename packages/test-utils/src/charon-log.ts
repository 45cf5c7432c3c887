/**
 * Parsers for charon's file logger output, in the formats strongSwan 5.9.8
 * writes on this machine (checked against real output; see the examples).
 *
 * Line prefix:  [<time> ]<thread>[<GRP>] [<<conn>|<ike-sa-id>> ]<message>
 *   09:53:49.218 04[ENC] <gw|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) ]
 *   09:53:47.679 00[LIB] created TUN device: ipsec0
 * The time is whatever `time_format` says (absent when unset); `<gw|1>`
 * appears with `ike_name = yes` on lines logged in an IKE_SA's context.
 *
 * Message lines (enc >= 1):
 *   parsed|generating <EXCHANGE> request|response <message id> [ <payloads> ]
 *   payloads are space separated; a notation may contain spaces inside
 *   parentheses (`CPRQ(ADDR DNS)`); an empty message is `[ ]`.
 *
 * Packet lines (net >= 1):
 *   sending packet: from 127.0.0.1[15500] to 127.0.0.2[16500] (232 bytes)
 *   received packet: from 127.0.0.2[16500] to 127.0.0.1[15500] (240 bytes)
 *
 * Hex dumps (`%B`, e.g. the ike = 4 key material) are one log call printed as
 * consecutive lines with the same prefix: a header, then up to 16 bytes per
 * line as `%4d: ` offset, hex bytes separated by spaces, padding, ASCII:
 *   07[IKE] <gw|1> SKEYSEED => 32 bytes @ 0x55821fd7d170
 *   07[IKE] <gw|1>    0: 36 81 FF C5 B8 DC 71 03 4B D8 53 D7 8A 20 29 54  6.....q.K.S.. )T
 *   07[IKE] <gw|1>   16: E3 1E 87 7E 75 02 AB 94 E6 34 FE 82 66 FD 4A C8  ...~u....4..f.J.
 * An empty chunk is `<label> => 0 bytes @ (nil)` with no byte lines.
 */

export interface CharonLogLine {
  /** The line as charon wrote it. */
  raw: string;
  /** The time prefix, verbatim, or '' when none. */
  time: string;
  thread: number;
  /** Log group: IKE, ENC, NET, CFG, CHD, KNL, LIB, DMN, JOB, ... */
  group: string;
  /** Connection name and IKE_SA unique id when logged with `ike_name = yes`. */
  ikeSa?: { name: string; id: number };
  message: string;
}

const LINE = /^(?:(.*?) )?(\d{2,})\[([A-Z]{3})\] (?:<(?:([^|>]*)\|)?(\d+)> )?(.*)$/;

/** Splits one charon log line into its prefix fields; undefined if it has no `NN[GRP] ` prefix. */
export function parseCharonLogLine(raw: string): CharonLogLine | undefined {
  const match = LINE.exec(raw);
  if (!match) return undefined;
  const line: CharonLogLine = {
    raw,
    time: match[1] ?? '',
    thread: Number(match[2]),
    group: match[3] ?? '',
    message: match[6] ?? '',
  };
  if (match[5] !== undefined) line.ikeSa = { name: match[4] ?? '', id: Number(match[5]) };
  return line;
}

function asLines(input: string | readonly string[] | readonly CharonLogLine[]): CharonLogLine[] {
  const items: readonly (string | CharonLogLine)[] = typeof input === 'string' ? input.split('\n') : input;
  const out: CharonLogLine[] = [];
  for (const item of items) {
    const line = typeof item === 'string' ? parseCharonLogLine(item) : item;
    if (line) out.push(line);
  }
  return out;
}

// ---- IKE message lines -------------------------------------------------------

export interface IkeMessageLog {
  /** 'parsed' = received and decoded, 'generating' = about to be sent. */
  direction: 'parsed' | 'generating';
  exchange: string;
  kind: 'request' | 'response';
  messageId: number;
  /** The notation between the brackets, e.g. 'SA KE No N(NATD_S_IP)'; '' for `[ ]`. */
  payloads: string;
  /** `payloads` split into notations, parentheses kept together. */
  payloadList: string[];
  line: CharonLogLine;
}

const MESSAGE = /^(parsed|generating) (\S+) (request|response) (\d+) \[(.*)\]$/;

/** Splits 'SA KE N(X) CPRQ(ADDR DNS)' on spaces outside parentheses. */
export function splitPayloadNotation(payloads: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of payloads) {
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ' ' && depth === 0) {
      if (current) out.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Parses a `parsed|generating ...` message line; undefined for any other line. */
export function parseIkeMessageLine(input: string | CharonLogLine): IkeMessageLog | undefined {
  const line = typeof input === 'string' ? parseCharonLogLine(input) : input;
  if (!line || line.group !== 'ENC') return undefined;
  const match = MESSAGE.exec(line.message);
  if (!match) return undefined;
  const payloads = (match[5] ?? '').trim();
  return {
    direction: match[1] as 'parsed' | 'generating',
    exchange: match[2] ?? '',
    kind: match[3] as 'request' | 'response',
    messageId: Number(match[4]),
    payloads,
    payloadList: splitPayloadNotation(payloads),
    line,
  };
}

/** Every message line in `input` (log text, raw lines or parsed lines), in order. */
export function parseIkeMessages(input: string | readonly string[] | readonly CharonLogLine[]): IkeMessageLog[] {
  return asLines(input).flatMap((line) => parseIkeMessageLine(line) ?? []);
}

// ---- packet lines --------------------------------------------------------------

export interface PacketLog {
  direction: 'sending' | 'received';
  src: { address: string; port: number };
  dst: { address: string; port: number };
  /** IKE message size as charon counts it (without the non-ESP marker). */
  bytes: number;
  line: CharonLogLine;
}

const PACKET = /^(sending|received) packet: from (.+)\[(\d+)\] to (.+)\[(\d+)\] \((\d+) bytes\)$/;

/** Parses a `sending packet:` / `received packet:` line; undefined otherwise. */
export function parsePacketLine(input: string | CharonLogLine): PacketLog | undefined {
  const line = typeof input === 'string' ? parseCharonLogLine(input) : input;
  if (!line || line.group !== 'NET') return undefined;
  const match = PACKET.exec(line.message);
  if (!match) return undefined;
  return {
    direction: match[1] as 'sending' | 'received',
    src: { address: match[2] ?? '', port: Number(match[3]) },
    dst: { address: match[4] ?? '', port: Number(match[5]) },
    bytes: Number(match[6]),
    line,
  };
}

// ---- hex dumps -------------------------------------------------------------------

export interface HexDump {
  /** Text before ' => ', e.g. 'SKEYSEED', 'Sk_ei secret', 'plain'. */
  label: string;
  bytes: Uint8Array;
  /** The header line; the byte lines follow it in the log. */
  line: CharonLogLine;
  /** Index of the header line in the parsed input. */
  index: number;
}

const DUMP_HEADER = /^(.*) => (\d+) bytes @ (?:0x[0-9a-f]+|\(nil\))$/;
const DUMP_LINE = /^ *(\d+): (.*)$/;

/** Error for a hex dump whose byte lines do not add up to its header. */
export class CharonLogParseError extends Error {
  override readonly name = 'CharonLogParseError';
}

/**
 * Collects every `%B` hex dump in `input`. A dump's byte lines must follow
 * its header from the same thread with offsets 0, 16, 32, ... and add up to
 * the announced length; otherwise CharonLogParseError is thrown, naming the
 * header line, because a silently short key would make a wrong oracle.
 */
export function parseHexDumps(input: string | readonly string[] | readonly CharonLogLine[]): HexDump[] {
  const lines = asLines(input);
  const dumps: HexDump[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as CharonLogLine;
    const header = DUMP_HEADER.exec(line.message);
    if (!header) continue;
    const length = Number(header[2]);
    const bytes = new Uint8Array(length);
    let filled = 0;
    let j = i + 1;
    while (filled < length) {
      const next = lines[j];
      const body = next && next.thread === line.thread && next.group === line.group ? DUMP_LINE.exec(next.message) : null;
      if (!next || !body) {
        throw new CharonLogParseError(`hex dump "${header[1]}" announced ${length} bytes but has ${filled}: ${line.raw}`);
      }
      if (Number(body[1]) !== filled) {
        throw new CharonLogParseError(`hex dump "${header[1]}" line offset ${body[1]} where ${filled} was expected: ${next.raw}`);
      }
      // Fixed layout: 16 "XX " cells (48 columns), then the ASCII column.
      const cells = (body[2] ?? '').slice(0, 48).trim().split(/ +/);
      const expected = Math.min(16, length - filled);
      if (cells.length !== expected || cells.some((cell) => !/^[0-9A-F]{2}$/.test(cell))) {
        throw new CharonLogParseError(`hex dump "${header[1]}" has a malformed byte line: ${next.raw}`);
      }
      for (const cell of cells) bytes[filled++] = parseInt(cell, 16);
      j++;
    }
    dumps.push({ label: header[1] ?? '', bytes, line, index: i });
    i = j - 1;
  }
  return dumps;
}

// ---- ike = 4 key material ---------------------------------------------------------

/**
 * The key material charon logs (ike = 4) when it derives an IKE_SA's keys,
 * from keymat_v2.c, in this order (Sk_ai/Sk_ar only for non-AEAD transforms):
 *   shared Diffie Hellman secret, SKEYSEED, Sk_d secret, [Sk_ai secret,
 *   Sk_ar secret,] Sk_ei secret, Sk_er secret, Sk_pi secret, Sk_pr secret
 * Nonces and SPIs are not logged at any level; take them from the packets.
 */
export interface IkeKeyLog {
  /** IKE_SA named in the line prefix (`ike_name = yes`), if any. */
  ikeSa?: { name: string; id: number };
  /** Thread and time of the SKEYSEED line, to correlate with other lines. */
  line: CharonLogLine;
  /** The last `selected proposal: IKE:...` line of the same IKE_SA before the keys, if logged. */
  proposal?: string;
  dhSecret?: Uint8Array;
  skeyseed: Uint8Array;
  skD: Uint8Array;
  skAi?: Uint8Array;
  skAr?: Uint8Array;
  skEi: Uint8Array;
  skEr: Uint8Array;
  skPi: Uint8Array;
  skPr: Uint8Array;
}

export const IKE_KEY_LABELS = {
  dhSecret: 'shared Diffie Hellman secret',
  skeyseed: 'SKEYSEED',
  skD: 'Sk_d secret',
  skAi: 'Sk_ai secret',
  skAr: 'Sk_ar secret',
  skEi: 'Sk_ei secret',
  skEr: 'Sk_er secret',
  skPi: 'Sk_pi secret',
  skPr: 'Sk_pr secret',
} as const;

type KeyField = keyof typeof IKE_KEY_LABELS;
const LABEL_TO_FIELD = new Map<string, KeyField>(
  Object.entries(IKE_KEY_LABELS).map(([field, label]) => [label, field as KeyField]),
);

const SELECTED_IKE_PROPOSAL = /^selected proposal: (IKE:\S+)$/;

/**
 * Groups the ike = 4 dumps in `input` into one IkeKeyLog per key derivation
 * (initial IKE_SA and every rekey), in log order. A set starts at the DH
 * secret or SKEYSEED and ends at Sk_pr; a set missing a required key throws
 * CharonLogParseError.
 */
export function parseIkeKeys(input: string | readonly string[] | readonly CharonLogLine[]): IkeKeyLog[] {
  const lines = asLines(input);
  const dumps = parseHexDumps(lines);
  const sets: IkeKeyLog[] = [];
  let partial: Partial<Record<KeyField, Uint8Array>> | undefined;
  let first: HexDump | undefined;
  for (const dump of dumps) {
    const field = LABEL_TO_FIELD.get(dump.label);
    if (!field) continue;
    const same = first !== undefined && first.line.thread === dump.line.thread;
    if (field === 'dhSecret' || (field === 'skeyseed' && !(partial?.dhSecret && same))) {
      partial = {};
      first = dump;
    }
    if (!partial || !first || first.line.thread !== dump.line.thread) {
      throw new CharonLogParseError(`key dump "${dump.label}" outside a key derivation: ${dump.line.raw}`);
    }
    partial[field] = dump.bytes;
    if (field === 'skPr') {
      const { skeyseed, skD, skEi, skEr, skPi, skPr } = partial;
      if (!skeyseed || !skD || !skEi || !skEr || !skPi || !skPr) {
        throw new CharonLogParseError(`incomplete IKE key set ending at: ${dump.line.raw}`);
      }
      const set: IkeKeyLog = { line: first.line, skeyseed, skD, skEi, skEr, skPi, skPr };
      if (first.line.ikeSa) set.ikeSa = first.line.ikeSa;
      if (partial.dhSecret) set.dhSecret = partial.dhSecret;
      if (partial.skAi) set.skAi = partial.skAi;
      if (partial.skAr) set.skAr = partial.skAr;
      const proposal = findProposalBefore(lines, first.index, first.line);
      if (proposal) set.proposal = proposal;
      sets.push(set);
      partial = undefined;
      first = undefined;
    }
  }
  return sets;
}

function findProposalBefore(lines: CharonLogLine[], index: number, keyLine: CharonLogLine): string | undefined {
  // Prefer the same IKE_SA; during an IKE_SA rekey the proposal is selected in
  // the context of the old IKE_SA while the keys are logged for the new one,
  // on the same thread, so fall back to the thread.
  const sameSa = (line: CharonLogLine): boolean => keyLine.ikeSa !== undefined && line.ikeSa?.id === keyLine.ikeSa.id;
  const sameThread = (line: CharonLogLine): boolean => line.thread === keyLine.thread;
  for (const accept of [sameSa, sameThread]) {
    for (let i = index - 1; i >= 0; i--) {
      const line = lines[i] as CharonLogLine;
      if (!accept(line)) continue;
      const match = SELECTED_IKE_PROPOSAL.exec(line.message);
      if (match) return match[1];
    }
  }
  return undefined;
}

// ---- chd = 4 CHILD_SA key material --------------------------------------------------

/**
 * CHILD_SA key material logged at chd = 4 (child_sa / keymat_v2.c):
 *   [DH secret,] seed (= [g^ir new |] Ni | Nr), encryption initiator key,
 *   encryption responder key, [integrity initiator key, integrity responder key]
 */
export interface ChildKeyLog {
  ikeSa?: { name: string; id: number };
  line: CharonLogLine;
  dhSecret?: Uint8Array;
  seed: Uint8Array;
  encrInitiator?: Uint8Array;
  encrResponder?: Uint8Array;
  integInitiator?: Uint8Array;
  integResponder?: Uint8Array;
}

const CHILD_LABELS: Record<string, keyof Omit<ChildKeyLog, 'ikeSa' | 'line'>> = {
  'DH secret': 'dhSecret',
  seed: 'seed',
  'encryption initiator key': 'encrInitiator',
  'encryption responder key': 'encrResponder',
  'integrity initiator key': 'integInitiator',
  'integrity responder key': 'integResponder',
};

/** Groups chd = 4 dumps into one ChildKeyLog per CHILD_SA key derivation, in log order. */
export function parseChildKeys(input: string | readonly string[] | readonly CharonLogLine[]): ChildKeyLog[] {
  const sets: ChildKeyLog[] = [];
  let current: Partial<ChildKeyLog> | undefined;
  const flush = (): void => {
    if (current?.seed && current.line) sets.push(current as ChildKeyLog);
    current = undefined;
  };
  for (const dump of parseHexDumps(input)) {
    if (dump.line.group !== 'CHD') continue;
    const field = CHILD_LABELS[dump.label];
    if (!field) continue;
    const sameThread = current?.line?.thread === dump.line.thread;
    if (field === 'dhSecret' || (field === 'seed' && !(current?.dhSecret && sameThread && !current.seed)) || !sameThread) {
      flush();
      current = { line: dump.line };
      if (dump.line.ikeSa) current.ikeSa = dump.line.ikeSa;
    }
    if (current) current[field] = dump.bytes;
  }
  flush();
  return sets;
}
