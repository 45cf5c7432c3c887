/**
 * Secrets (pre-shared keys, XAuth passwords) are write-only: the API never
 * returns them. `redactConfig` replaces each with `{ set: boolean }`;
 * `mergeSecrets` lets a client submit a config that carries `{ set: true }`
 * where it did not change a secret, by taking the value from the running
 * config's tunnel of the same name.
 */
import type { GatewayConfig, RedactedGatewayConfig, RedactedTunnel, TunnelConfig } from '@tunnelscope/api';

/** The marker returned in place of a secret, and accepted back to keep it. */
export function secretMarker(value: string): { set: boolean } {
  return { set: value !== '' };
}

export function redactTunnel(tunnel: TunnelConfig): RedactedTunnel {
  const auth: RedactedTunnel['auth'] =
    tunnel.auth.method === 'psk'
      ? { method: 'psk', psk: { type: tunnel.auth.psk.type, value: secretMarker(tunnel.auth.psk.value) } }
      : { ...tunnel.auth, rootCertificates: [...tunnel.auth.rootCertificates] };
  return { ...structuredClone(tunnel), auth, xauthPassword: secretMarker(tunnel.xauthPassword) };
}

export function redactConfig(config: GatewayConfig): RedactedGatewayConfig {
  return { ...structuredClone(config), tunnels: config.tunnels.map(redactTunnel) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeepMarker(value: unknown): boolean {
  return isRecord(value) && value.set === true && Object.keys(value).length === 1;
}

/** `{ set: false }`: what redactConfig says of an empty secret; submitted back, it means "still empty". */
function isUnsetMarker(value: unknown): boolean {
  return isRecord(value) && value.set === false && Object.keys(value).length === 1;
}

/**
 * A copy of `submitted` (an unvalidated config input) where every
 * `{ set: true }` secret is replaced by the value of the same tunnel (by
 * name) in `running`; every `{ set: false }` becomes the empty string, so a
 * client can send back exactly what `redactConfig` gave it. Markers with
 * nothing to keep are left in place, and `validateConfig` reports them by
 * path (as it reports an empty pre-shared key). `submitted` is not modified.
 * The result is as unvalidated as the input: pass it to `validateConfig`.
 */
export function mergeSecrets(submitted: unknown, running: GatewayConfig): unknown {
  if (!isRecord(submitted) || !Array.isArray(submitted.tunnels)) return submitted;
  const runningByName = new Map(running.tunnels.map((tunnel) => [tunnel.name, tunnel]));
  const copy = structuredClone(submitted) as Record<string, unknown> & { tunnels: unknown[] };
  for (const tunnel of copy.tunnels) {
    if (!isRecord(tunnel) || typeof tunnel.name !== 'string') continue;
    const previous = runningByName.get(tunnel.name);
    const auth = tunnel.auth;
    if (isRecord(auth) && auth.method === 'psk' && isRecord(auth.psk)) {
      if (isUnsetMarker(auth.psk.value)) auth.psk.value = '';
      else if (isKeepMarker(auth.psk.value) && previous?.auth.method === 'psk' && previous.auth.psk.value !== '') {
        auth.psk.value = previous.auth.psk.value;
      }
    }
    if (isUnsetMarker(tunnel.xauthPassword)) tunnel.xauthPassword = '';
    else if (isKeepMarker(tunnel.xauthPassword) && previous !== undefined && previous.xauthPassword !== '') {
      tunnel.xauthPassword = previous.xauthPassword;
    }
  }
  return copy;
}
