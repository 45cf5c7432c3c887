/**
 * `pnpm start`: the server with the real engine on 127.0.0.1. Prints the
 * dashboard URL on its own line, and on a first start the one-time setup
 * link. See start-options.ts for flags and environment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type TunnelscopeServer } from './app.ts';
import { configFormatForPath, parseConfigText } from './engine-api.ts';
import { createCertificateService } from './engine-api.ts';
import { EngineGateway } from './plugins/app/engine-gateway.ts';
import type { LabPort } from './plugins/app/lab-port.ts';
import { resolveStartOptions, StartOptionsError } from './start-options.ts';
import { createLab, labHostPort, type Lab } from '@tunnelscope/lab';

const HOST = '127.0.0.1';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function fail(message: string): never {
  process.stderr.write(`tunnelscope: ${message}\n`);
  process.exit(1);
}

function readConfigFile(file: string): { config: unknown; path: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const parsed = parseConfigText(text, configFormatForPath(file));
  if (!parsed.ok) fail(`config file ${file}:\n${parsed.errors.map((e) => `  ${e.path || '(file)'}: ${e.message}`).join('\n')}`);
  return { config: parsed.value, path: file };
}

async function main(): Promise<void> {
  let options;
  try {
    options = resolveStartOptions(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    if (err instanceof StartOptionsError) fail(err.message);
    throw err;
  }
  // The demo lab (peer gateways on 127.0.1.x with the seed's misconfigurations)
  // runs against its own demo config; with --config the gateway faces real
  // peers and the lab stays off unless asked for with TUNNELSCOPE_LAB=1.
  const withLab = options.lab && (!options.configPath || process.env['TUNNELSCOPE_LAB'] === '1');
  const demoLab: Lab | undefined = withLab ? createLab() : undefined;
  // The lab's CA server, DNS server and PKI (certificate scenarios) start before its config is taken.
  if (demoLab) {
    try {
      await demoLab.prepare();
    } catch (err) {
      fail(`cannot start the demo lab's certificate infrastructure (CA and DNS servers on loopback): ${(err as Error).message}`);
    }
  }
  const gateway = new EngineGateway({ dataDir: options.dataDir, createCertificates: createCertificateService });
  const labPort: LabPort | undefined = demoLab ? labHostPort(demoLab) : undefined;
  const detachLab = demoLab?.attachLocalGateway(gateway);
  let server: TunnelscopeServer;
  try {
    server = await createServer({
      gateway,
      dataDir: options.dataDir,
      lab: labPort,
      webDist: path.join(repoRoot, 'apps/web/dist'),
      fileConfig: options.configPath
        ? readConfigFile(options.configPath)
        : demoLab
          ? { config: demoLab.demoConfig(), path: 'demo lab' }
          : undefined,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'TransportBindError') {
      const hint =
        e.code === 'EADDRNOTAVAIL'
          ? "set engine.listenAddresses or the tunnels' localEndpoint to an address of this machine"
          : 'set engine.ikePort / engine.natTPort in the config to free ports (>= 1024 without root)';
      fail(`the IKE engine cannot bind its UDP sockets: ${e.message}; ${hint}`);
    }
    fail(`cannot start: ${e.message}`);
  }
  try {
    const { url, port } = await server.listen(options.httpPort, HOST);
    process.stdout.write(`\ntunnelscope is running (data: ${options.dataDir}). Dashboard:\n${url}\n`);
    if (server.setupToken) {
      process.stdout.write(`\nFirst start: create the admin account with this one-time link:\nhttp://${HOST}:${port}/setup#token=${server.setupToken}\n`);
    }
    if (demoLab) {
      process.stdout.write(`\nDemo lab (real IKEv2 peers on loopback; --no-lab to run without):\n${labPort!.describe().map((l) => `  ${l}`).join('\n')}\n`);
    }
    process.stdout.write('\n');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    await server.close();
    if (e.code === 'EADDRINUSE') fail(`port ${options.httpPort} on ${HOST} is already in use; choose another with --http-port N or TUNNELSCOPE_HTTP_PORT`);
    if (e.code === 'EACCES') fail(`binding ${HOST}:${options.httpPort} needs privileges (ports below 1024 need root); choose a port >= 1024 with --http-port`);
    fail(`cannot listen on ${HOST}:${options.httpPort}: ${e.message}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    detachLab?.();
    void Promise.all([server.close(), demoLab?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
