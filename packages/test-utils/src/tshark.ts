/**
 * tshark as an independent decoder: run it on a capture with a private
 * configuration directory (so the user's Wireshark profile cannot change
 * results, and an IKEv2 decryption table can be supplied per call), and
 * collect the verbose text, optional JSON, and every expert-info item
 * (malformed packets, bad checksums, decryption failures).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './run-command.ts';

export interface Ikev2DecryptionEntry {
  /** Initiator and responder SPI, 16 hex digits each. */
  spiI: string;
  spiR: string;
  skEi: Uint8Array | string;
  skEr: Uint8Array | string;
  /** Wireshark's name, see wiresharkEncrName. */
  encr: string;
  skAi?: Uint8Array | string;
  skAr?: Uint8Array | string;
  /** Wireshark's name, see wiresharkIntegName ('NONE [RFC4306]' for AEAD). */
  integ: string;
}

const hex = (value: Uint8Array | string | undefined): string =>
  value === undefined ? '' : typeof value === 'string' ? value.toLowerCase() : Buffer.from(value).toString('hex');

/**
 * Renders the `ikev2_decryption_table` UAT file: one line per IKE SA,
 * `SPIi,SPIr,SK_ei,SK_er,"ENCR",SK_ai,SK_ar,"INTEG"`, byte fields as bare
 * hex (Wireshark rejects quoted hex), algorithm names quoted. For AES-GCM the
 * SK_e fields include the 4-byte salt, exactly as charon logs them.
 */
export function ikev2DecryptionTable(entries: readonly Ikev2DecryptionEntry[]): string {
  return entries
    .map((e) =>
      [hex(e.spiI), hex(e.spiR), hex(e.skEi), hex(e.skEr), `"${e.encr}"`, hex(e.skAi), hex(e.skAr), `"${e.integ}"`].join(','),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export interface TsharkOptions {
  /** `-d` values, e.g. 'udp.port==16500,udpencap' or 'udp.port==16500,isakmp'. */
  decodeAs?: readonly string[];
  /** Contents of ikev2_decryption_table, as text or entries. */
  decryptionTable?: string | readonly Ikev2DecryptionEntry[];
  /** `-o name:value` preferences, e.g. { 'udp.check_checksum': 'TRUE' }. */
  preferences?: Readonly<Record<string, string>>;
  /** `-Y` display filter. */
  displayFilter?: string;
  /** Also run `-T json` and return the parsed array. */
  json?: boolean;
  timeoutMs?: number;
}

export interface ExpertInfo {
  /** Frame number the item belongs to (0 if before any frame). */
  frame: number;
  severity: string;
  group: string;
  message: string;
}

export interface TsharkFrame {
  number: number;
  /** The frame's `-V` text. */
  text: string;
}

export interface TsharkDecodeResult {
  /** Full `tshark -V` output. */
  text: string;
  frames: TsharkFrame[];
  /** Every `[Expert Info (Severity/Group): message]` line. */
  expert: ExpertInfo[];
  /** expert items of severity Warning or Error. */
  problems: ExpertInfo[];
  /** `-T json` output when requested. */
  json?: unknown[];
  stderr: string;
}

const EXPERT = /\[Expert Info \(([A-Za-z]+)\/([^)]*)\): (.*)\]\s*$/;

/**
 * Decodes `pcapPath` with tshark (-n -V) under a private HOME holding only
 * the given decryption table. Throws CommandError when tshark fails (e.g.
 * the file cannot be read).
 */
export async function tsharkDecode(pcapPath: string, options: TsharkOptions = {}): Promise<TsharkDecodeResult> {
  const home = mkdtempSync(join(tmpdir(), 'tsh-tshark-'));
  try {
    const configDir = join(home, '.config', 'wireshark');
    mkdirSync(configDir, { recursive: true });
    if (options.decryptionTable !== undefined) {
      const table =
        typeof options.decryptionTable === 'string' ? options.decryptionTable : ikev2DecryptionTable(options.decryptionTable);
      writeFileSync(join(configDir, 'ikev2_decryption_table'), table);
    }
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const common = ['-n', '-r', pcapPath];
    for (const decode of options.decodeAs ?? []) common.push('-d', decode);
    for (const [name, value] of Object.entries(options.preferences ?? {})) common.push('-o', `${name}:${value}`);
    if (options.displayFilter) common.push('-Y', options.displayFilter);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const verbose = await runCommand('tshark', [...common, '-V'], { env, timeoutMs });
    const frames: TsharkFrame[] = [];
    const expert: ExpertInfo[] = [];
    let current: { number: number; lines: string[] } | undefined;
    for (const line of verbose.stdout.split('\n')) {
      const frameStart = /^Frame (\d+): /.exec(line);
      if (frameStart) {
        if (current) frames.push({ number: current.number, text: current.lines.join('\n') });
        current = { number: Number(frameStart[1]), lines: [] };
      }
      current?.lines.push(line);
      const item = EXPERT.exec(line);
      if (item) {
        expert.push({ frame: current?.number ?? 0, severity: item[1] ?? '', group: item[2] ?? '', message: item[3] ?? '' });
      }
    }
    if (current) frames.push({ number: current.number, text: current.lines.join('\n') });
    const result: TsharkDecodeResult = {
      text: verbose.stdout,
      frames,
      expert,
      problems: expert.filter((e) => e.severity === 'Warning' || e.severity === 'Error'),
      stderr: verbose.stderr,
    };
    if (options.json) {
      const json = await runCommand('tshark', [...common, '-T', 'json'], { env, timeoutMs });
      result.json = JSON.parse(json.stdout) as unknown[];
    }
    return result;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
