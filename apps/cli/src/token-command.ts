/**
 * `tunnelscope token create --role viewer|operator|admin [--name N] [--days N] [--data-dir DIR]`
 * makes an API token directly in a server's data dir (for automation set up
 * from the shell). The token is printed once; only its hash is stored.
 */
import path from 'node:path';
import { createApiToken } from '@tunnelscope/server';

export const TOKEN_USAGE = `usage: tunnelscope token create --role viewer|operator|admin [--name NAME] [--days N] [--data-dir DIR]

  --data-dir  the server's data dir (default TUNNELSCOPE_DATA_DIR or ./data)`;

const ROLES = ['viewer', 'operator', 'admin'] as const;
type Role = (typeof ROLES)[number];

export async function runTokenCommand(argv: readonly string[], out: (text: string) => void, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'create') {
    out(`tunnelscope token: unknown or missing verb${verb ? ` "${verb}"` : ''}\n${TOKEN_USAGE}`);
    return 2;
  }
  let role: Role | undefined;
  let name: string | undefined;
  let days: number | undefined;
  let dataDir = env['TUNNELSCOPE_DATA_DIR'] || 'data';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = rest[++i];
    if (value === undefined) {
      out(`tunnelscope token: ${arg} needs a value\n${TOKEN_USAGE}`);
      return 2;
    }
    if (arg === '--role') {
      if (!(ROLES as readonly string[]).includes(value)) {
        out(`tunnelscope token: --role must be one of ${ROLES.join(', ')}, got "${value}"`);
        return 2;
      }
      role = value as Role;
    } else if (arg === '--name') name = value;
    else if (arg === '--days') {
      days = Number(value);
      if (!Number.isInteger(days) || days < 1) {
        out(`tunnelscope token: --days must be a whole number of days >= 1, got "${value}"`);
        return 2;
      }
    } else if (arg === '--data-dir') dataDir = value;
    else {
      out(`tunnelscope token: unknown option ${arg}\n${TOKEN_USAGE}`);
      return 2;
    }
  }
  if (!role) {
    out(`tunnelscope token: --role is required\n${TOKEN_USAGE}`);
    return 2;
  }
  const created = createApiToken({ dataDir: path.resolve(cwd, dataDir), role, ...(name ? { name } : {}), ...(days ? { expiresInDays: days } : {}) });
  out(created.token);
  return 0;
}
