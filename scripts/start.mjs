#!/usr/bin/env node
// `pnpm start`: starts the tunnelscope server with the demo lab on loopback.
// The server (apps/server) is built in its own issue; until it exists this
// entry point says so plainly instead of pretending to run something.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const serverEntry = path.join(root, 'apps/server/src/main.ts');

if (!existsSync(serverEntry)) {
  console.log('tunnelscope: the server and dashboard are not built yet in this revision.');
  console.log('What works today: the IKEv2 codec and crypto (packages/ike) and the offline decoder:');
  console.log('  pnpm tunnelscope decode <capture.pcap> [--keys ikev2_decryption_table] [--full]');
  process.exit(0);
}

const child = spawn(process.execPath, ['--import', 'tsx', serverEntry, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
