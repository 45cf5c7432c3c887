#!/usr/bin/env -S node --import tsx
/**
 * The `tunnelscope` command-line client. Subcommands are a table; each
 * returns an exit code. Commands that talk to a running server join this
 * table with the server issue.
 */
import { DECODE_USAGE, runDecodeCommand } from './decode-command.ts';

type Subcommand = (argv: readonly string[], out: (text: string) => void, cwd: string) => Promise<number>;

const SUBCOMMANDS: Record<string, { run: Subcommand; usage: string }> = {
  decode: { run: runDecodeCommand, usage: DECODE_USAGE },
};

function usage(): string {
  return `usage: tunnelscope <command> [options]\n\ncommands:\n${Object.keys(SUBCOMMANDS)
    .map((name) => `  ${name}`)
    .join('\n')}\n\n'tunnelscope <command> --help' for a command's options`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (!name || name === '--help' || name === 'help') {
    out(usage());
    return name ? 0 : 2;
  }
  const command = SUBCOMMANDS[name];
  if (!command) {
    process.stderr.write(`tunnelscope: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help')) {
    out(command.usage);
    return 0;
  }
  // pnpm runs the root script from the workspace root; INIT_CWD is where the user typed it.
  return command.run(rest, out, process.env.INIT_CWD ?? process.cwd());
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tunnelscope: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
