/**
 * Our engine as a child process, for interop tests that must run it inside
 * a network namespace (a test process cannot enter one itself). Started as
 * `ip netns exec NS node --import tsx engine-runner.ts` with the config as
 * JSON in TS_ENGINE_CONFIG. Protocol: JSON lines.
 *
 *   stdout: {"kind":"ready"} | {"kind":"event","event":...} | {"kind":"result","id":n,"value":...}
 *   stdin:  {"id":n,"command":"initiate","tunnel":"..."} | {"id":n,"command":"sas"} | {"id":n,"command":"stop"}
 */
import { createInterface } from 'node:readline';
import type { GatewayConfig } from '@tunnelscope/api';
import { IkeGateway, udpTransportForConfig } from '@tunnelscope/engine';

const config = JSON.parse(process.env.TS_ENGINE_CONFIG ?? '') as GatewayConfig;
const gateway = new IkeGateway({ config, transport: udpTransportForConfig(config) });
const write = (message: unknown): void => {
  process.stdout.write(`${JSON.stringify(message, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value))}\n`);
};
gateway.subscribe((event) => write({ kind: 'event', event }));
await gateway.start();
write({ kind: 'ready' });

for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line) as { id: number; command: 'initiate' | 'sas' | 'stop'; tunnel?: string };
  if (request.command === 'initiate') write({ kind: 'result', id: request.id, value: gateway.initiate(request.tunnel ?? '') });
  else if (request.command === 'sas') write({ kind: 'result', id: request.id, value: { ikeSas: gateway.listIkeSas(), childSas: gateway.listChildSas() } });
  else {
    await gateway.stop();
    write({ kind: 'result', id: request.id, value: 'stopped' });
    process.exit(0);
  }
}
