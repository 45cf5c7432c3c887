/**
 * Start options from flags and environment (flags win):
 *   --config PATH      TUNNELSCOPE_CONFIG      gateway config file (YAML or JSON)
 *   --data-dir DIR     TUNNELSCOPE_DATA_DIR    SQLite store (default ./data)
 *   --http-port N      TUNNELSCOPE_HTTP_PORT   dashboard/API port on 127.0.0.1 (default 8470)
 *   --no-lab           TUNNELSCOPE_LAB=0       do not start the demo lab
 */
import path from 'node:path';

export const DEFAULT_HTTP_PORT = 8470;

export interface StartOptions {
  configPath: string | undefined;
  dataDir: string;
  httpPort: number;
  lab: boolean;
}

export class StartOptionsError extends Error {}

export function resolveStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): StartOptions {
  let configPath = env['TUNNELSCOPE_CONFIG'] || undefined;
  let dataDir = env['TUNNELSCOPE_DATA_DIR'] || 'data';
  let port = env['TUNNELSCOPE_HTTP_PORT'] || String(DEFAULT_HTTP_PORT);
  let lab = env['TUNNELSCOPE_LAB'] !== '0';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new StartOptionsError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--config':
        configPath = value();
        break;
      case '--data-dir':
        dataDir = value();
        break;
      case '--http-port':
        port = value();
        break;
      case '--no-lab':
        lab = false;
        break;
      default:
        throw new StartOptionsError(`unknown option ${arg} (options: --config PATH, --data-dir DIR, --http-port N, --no-lab)`);
    }
  }
  const httpPort = Number(port);
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new StartOptionsError(`--http-port: "${port}" is not a port number`);
  return { configPath: configPath && path.resolve(cwd, configPath), dataDir: path.resolve(cwd, dataDir), httpPort, lab };
}
