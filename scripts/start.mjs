#!/usr/bin/env node
// `pnpm start`: builds what is missing (the web app, when its package exists
// and has no dist yet) and starts the tunnelscope server on 127.0.0.1 with
// the real engine. Flags and environment are passed through:
//   --config PATH | TUNNELSCOPE_CONFIG     --data-dir DIR | TUNNELSCOPE_DATA_DIR
//   --http-port N | TUNNELSCOPE_HTTP_PORT  --no-lab | TUNNELSCOPE_LAB=0
import { existsSync, readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const serverEntry = path.join(root, 'apps/server/src/main.ts');

if (!existsSync(serverEntry)) {
  console.log('tunnelscope: the server is not in this revision.');
  process.exit(1);
}

const webPackage = path.join(root, 'apps/web/package.json');
if (existsSync(webPackage) && !existsSync(path.join(root, 'apps/web/dist/index.html'))) {
  const scripts = JSON.parse(readFileSync(webPackage, 'utf8')).scripts ?? {};
  if (scripts.build) {
    console.log('tunnelscope: building the dashboard (apps/web) ...');
    const build = spawnSync('pnpm', ['--dir', path.join(root, 'apps/web'), 'run', 'build'], { stdio: 'inherit', cwd: root });
    if (build.status !== 0) console.log('tunnelscope: the dashboard build failed; starting the server without it.');
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', serverEntry, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
// pnpm does not forward SIGTERM to its script: when whoever started us goes
// away (timeout, a service manager, a closed terminal), we are re-parented.
// Stop the server then, instead of leaving it holding its ports.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 1000).unref();
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
