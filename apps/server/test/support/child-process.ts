/** Spawns test/support/child-server.ts and talks to it. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  port: number;
  url: string;
  setupToken: string | null;
  ask<T>(message: object, answerKey: string): Promise<T>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function startChildServer(dataDir: string, queueLimit?: number): Promise<ChildServer> {
  const child = fork(path.join(here, 'child-server.ts'), [dataDir, ...(queueLimit ? [String(queueLimit)] : [])], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.setMaxListeners(100);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      const info = JSON.parse(buffer.slice(0, nl)) as { port: number; setupToken: string | null };
      resolve({
        child,
        port: info.port,
        url: `http://127.0.0.1:${info.port}/`,
        setupToken: info.setupToken,
        ask<T>(message: object, answerKey: string) {
          return new Promise<T>((res) => {
            const listener = (m: unknown) => {
              if (m && typeof m === 'object' && answerKey in m) {
                child.off('message', listener);
                res(m as T);
              }
            };
            child.on('message', listener);
            child.send(message);
          });
        },
        kill(signal) {
          return new Promise((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res();
            child.once('exit', () => res());
            child.kill(signal);
          });
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child server exited early (${code})`)));
    child.once('error', reject);
  });
}
