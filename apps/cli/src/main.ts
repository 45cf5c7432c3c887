#!/usr/bin/env -S node --import tsx
/**
 * The `tunnelscope` command-line client.
 *
 *   tunnelscope decode <capture> ...          offline: a capture as ike -snoop entries
 *   tunnelscope token create --role ...       make an API token in a server's data dir
 *   tunnelscope ike -stat | ike -snoop ...    the firewall's commands against a running server
 */
import { DECODE_USAGE, runDecodeCommand } from './decode-command.ts';
import { REMOTE_USAGE, runRemoteCommand } from './remote-command.ts';
import { TOKEN_USAGE, runTokenCommand } from './token-command.ts';

/** Words that start one of the firewall's own commands (sent to the server). */
const FIREWALL_COMMANDS = new Set(['ike', 'flow', 'ping', 'help']);

function usage(): string {
  return `usage: tunnelscope <command> [options]

  decode <capture> [...]            print a pcap/pcapng as ike -snoop entries (offline)
  token create --role ROLE [...]    make an API token for automation
  [--server URL] [--token T] ike -stat | ike -snoop -brief | flow -show | ...
                                    the firewall's commands against a running server

'tunnelscope decode --help', 'tunnelscope token --help', 'tunnelscope ike --help' for details`;
}

async function main(argv: string[]): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const err = (text: string) => process.stderr.write(`${text}\n`);
  // pnpm runs the root script from the workspace root; INIT_CWD is where the user typed it.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const first = argv.find((a, i) => !(a.startsWith('--') || argv[i - 1] === '--server' || argv[i - 1] === '--token'));
  if (!first || first === '--help') {
    out(usage());
    return first ? 0 : 2;
  }
  if (first === 'decode') {
    const rest = argv.slice(argv.indexOf('decode') + 1);
    if (rest.includes('--help')) return out(DECODE_USAGE), 0;
    return runDecodeCommand(rest, out, cwd);
  }
  if (first === 'token') {
    const rest = argv.slice(argv.indexOf('token') + 1);
    if (rest.includes('--help')) return out(TOKEN_USAGE), 0;
    return runTokenCommand(rest, out, cwd);
  }
  if (FIREWALL_COMMANDS.has(first)) {
    if (argv.includes('--help')) return out(REMOTE_USAGE), 0;
    const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    return runRemoteCommand(argv, { out, err, env: process.env, interrupted });
  }
  err(`tunnelscope: unknown command "${first}"\n${usage()}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A finished command must not linger on open handles (e.g. a closed stream's timers).
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`tunnelscope: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
