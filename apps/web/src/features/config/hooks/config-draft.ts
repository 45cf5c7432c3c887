/**
 * The editable copy of the config. Shapes follow the contract's redacted
 * config (secrets are `{ set: boolean }`); a PSK the operator replaces
 * becomes its new string value, and is sent only then. Fields a new tunnel
 * does not name are filled by the server's normaliser from its defaults.
 */
import type { CertificateAuth, FieldError, IpRule, PskType, RedactedGatewayConfig, RedactedTunnel, RouteConfig } from '../../../lib/api-types.ts';

export interface RedactedSecret {
  set: boolean;
}

export interface DraftPskAuth {
  method: 'psk';
  psk: { type: PskType; value: string | RedactedSecret };
}

export type DraftTunnel = Partial<Omit<RedactedTunnel, 'auth' | 'xauthPassword'>> & {
  name: string;
  auth?: DraftPskAuth | CertificateAuth;
  xauthPassword?: string | RedactedSecret;
};

export type DraftConfig = Partial<Omit<RedactedGatewayConfig, 'tunnels' | 'ipRules' | 'routes'>> & {
  tunnels: DraftTunnel[];
  ipRules: Partial<IpRule>[];
  routes: Partial<RouteConfig>[];
};

export function draftFromDocument(document: Record<string, unknown>): DraftConfig {
  const copy = structuredClone(document) as Partial<DraftConfig>;
  return { ...copy, tunnels: copy.tunnels ?? [], ipRules: copy.ipRules ?? [], routes: copy.routes ?? [] };
}

export function newTunnel(existing: readonly DraftTunnel[]): DraftTunnel {
  let index = existing.length + 1;
  while (existing.some((tunnel) => tunnel.name === `tunnel-${index}`)) index++;
  return {
    name: `tunnel-${index}`,
    localNetworks: [],
    remoteNetworks: [],
    localEndpoint: '',
    remoteEndpoint: '',
    ikeProposals: [],
    ipsecProposals: [],
    auth: { method: 'psk', psk: { type: 'passphrase', value: '' } },
  };
}

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const copy = [...items];
  const [moved] = copy.splice(from, 1);
  if (moved === undefined) return copy;
  copy.splice(Math.max(0, Math.min(copy.length, to)), 0, moved);
  return copy;
}

/** "tunnels[2].auth.psk.value", "/tunnels/2/auth", "tunnels.2.auth" -> "tunnels.2.auth...". */
export function normaliseFieldPath(path: string): string {
  return path
    .replace(/^\//, '')
    .replaceAll('/', '.')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\["([^"]+)"\]/g, '.$1')
    .replace(/^\./, '');
}

export function errorsAt(errors: readonly FieldError[], path: string): FieldError[] {
  return errors.filter((error) => {
    const normalised = normaliseFieldPath(error.path);
    return normalised === path || normalised.startsWith(`${path}.`);
  });
}

/**
 * The seed's 13.6.1 trap: a roaming tunnel (remote endpoint none) with
 * remote network all-nets-ip4 above other tunnels catches their peers.
 */
export function shadowingTunnels(tunnels: readonly DraftTunnel[]): Set<number> {
  const result = new Set<number>();
  tunnels.forEach((tunnel, index) => {
    const catchAll = tunnel.remoteEndpoint === 'none' && (tunnel.remoteNetworks ?? []).some((n) => n === 'all-nets-ip4' || n === '0.0.0.0/0');
    if (catchAll && index < tunnels.length - 1) result.add(index);
  });
  return result;
}

function isUnsetSecret(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as RedactedSecret).set === false;
}

/**
 * The document to send. The server redacts an empty XAuth password as
 * `{ set: false }` but refuses that marker back ("send the value itself"):
 * an unset secret is sent as the empty value it stands for. An unset PSK is
 * left as it is, so the server names the field that needs a key.
 */
export function documentForSave(draft: DraftConfig): DraftConfig {
  return {
    ...draft,
    tunnels: draft.tunnels.map((tunnel) => (isUnsetSecret(tunnel.xauthPassword) ? { ...tunnel, xauthPassword: '' } : tunnel)),
  };
}

/** Field paths the tunnel form renders (relative to the tunnel); other errors are listed below the form. */
export const TUNNEL_FORM_FIELDS = [
  'name', 'enabled', 'localNetworks', 'remoteNetworks', 'localEndpoint', 'remoteEndpoint', 'ikeProposals',
  'ikeLifetimeSeconds', 'ipsecProposals', 'ipsecLifetimeSeconds', 'auth', 'dpd', 'responderPolicy',
] as const;
