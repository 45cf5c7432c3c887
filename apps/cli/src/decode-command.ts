/**
 * `tunnelscope decode <capture> [--keys FILE] [--full] [--local IP] [--port N]... [--tz ZONE] [--wrap N]`
 *
 * Reads a pcap/pcapng taken on any gateway and prints each IKE message as an
 * `ike -snoop` entry. All decoding lives in @tunnelscope/engine
 * (`decodeIkeCapture`), so this file only parses arguments and prints.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeIkeCapture } from '@tunnelscope/engine';
import { CaptureParseError, DecryptionTableError, parseDecryptionTable } from '@tunnelscope/ike';

export const DECODE_USAGE = `usage: tunnelscope decode <capture.pcap|.pcapng> [--keys <ikev2_decryption_table>] [--full]
                         [--local <ip>] [--port <n>]... [--tz <zone>] [--wrap <columns>]

  --keys   Wireshark ikev2_decryption_table: decrypts SK payloads of the IKE SAs it lists
  --full   add the decoded payloads (proposals, KE group, IDs, traffic selectors, notifies)
  --local  the address shown on the left (default: responder of the first IKE_SA_INIT)
  --port   an extra UDP port carrying IKE, with or without the non-ESP marker (repeatable)
  --tz     time zone for timestamps (IANA name or UTC offset; default UTC)
  --wrap   wrap summaries at this width, as the firewall's console does`;

export class UsageError extends Error {}

export interface DecodeArguments {
  capture: string;
  keys?: string;
  full: boolean;
  local?: string;
  ports: number[];
  timeZone: string;
  wrapWidth: number;
}

export function parseDecodeArguments(argv: readonly string[]): DecodeArguments {
  const args: DecodeArguments = { capture: '', full: false, ports: [], timeZone: 'UTC', wrapWidth: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const number = (name: string, min: number, max: number): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
      return n;
    };
    switch (arg) {
      case '--keys':
        args.keys = value();
        break;
      case '--full':
        args.full = true;
        break;
      case '--local':
        args.local = value();
        break;
      case '--port':
        args.ports.push(number('--port', 1, 65535));
        break;
      case '--tz':
        args.timeZone = value();
        break;
      case '--wrap':
        args.wrapWidth = number('--wrap', 20, 1000);
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (args.capture) throw new UsageError(`only one capture file, got "${args.capture}" and "${arg}"`);
        args.capture = arg;
    }
  }
  if (!args.capture) throw new UsageError('missing capture file');
  return args;
}

/** Runs the command; returns the process exit code. `cwd` resolves relative paths (pnpm runs scripts from the workspace root). */
export async function runDecodeCommand(argv: readonly string[], out: (text: string) => void, cwd: string): Promise<number> {
  let args: DecodeArguments;
  try {
    args = parseDecodeArguments(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      out(`tunnelscope decode: ${err.message}\n${DECODE_USAGE}`);
      return 2;
    }
    throw err;
  }
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(path.resolve(cwd, file));
    } catch (err) {
      throw new UsageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  try {
    const keys = args.keys ? parseDecryptionTable((await read(args.keys, 'key table')).toString('utf8')) : undefined;
    const capture = new Uint8Array(await read(args.capture, 'capture'));
    const result = decodeIkeCapture(capture, {
      ...(keys ? { keys } : {}),
      full: args.full,
      ...(args.local ? { local: args.local } : {}),
      ports: args.ports,
      timeZone: args.timeZone,
      wrapWidth: args.wrapWidth,
    });
    for (const entry of result.entries) out(entry.text);
    const ignored = Object.entries(result.ignored)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ');
    out(
      `-- ${result.entries.length} IKE message(s) from ${args.capture} (${result.format})` +
        (result.local.address ? `; local side ${result.local.address} (${result.local.reason.replace(/_/g, ' ')})` : '; no local side found') +
        (ignored ? `; ignored: ${ignored}` : ''),
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof DecryptionTableError || err instanceof CaptureParseError) {
      out(`tunnelscope decode: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
