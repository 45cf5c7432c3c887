/**
 * generateSwanctlConf(config, tunnel, options) -> the swanctl.conf the
 * REMOTE side (strongSwan) needs to match one of our tunnels: the mirror of
 * our settings (our local network is its remote_ts, our remote identity its
 * local id, ...), our proposals in strongSwan syntax (our config already
 * uses strongSwan's keywords), lifetimes that rekey when ours do, and the
 * pre-shared key in a secrets section — as a placeholder unless the caller
 * explicitly asks for the secret (secrets never leave by default).
 */
import type { GatewayConfig, TunnelConfig, TunnelIdentity } from '@tunnelscope/api';
import { describeRange } from '../net/ip-networks.ts';
import { addressBookOf, resolveReferences } from '../net/tunnel-networks.ts';
import { OUR_REKEY_SCHEDULE } from '../rules/lifetime-rules.ts';

export interface SwanctlConfOptions {
  /** The peer's own address (its local_addrs); default our tunnel's remote endpoint. Needed for roaming tunnels. */
  readonly peerAddress?: string;
  /** Our address as the peer reaches it (its remote_addrs); default our tunnel's local endpoint. */
  readonly ourAddress?: string;
  /** Our IKE port as the peer reaches it (its remote_port); default our engine's IKE port. */
  readonly ourPort?: number;
  /** The identity the peer sends, when our remote identity is "any" or a wildcard; default its address. */
  readonly peerIdentity?: string;
  readonly connectionName?: string;
  readonly childName?: string;
  /** strongSwan start_action of the child ("none" by default: the peer waits for us or for `swanctl --initiate`). */
  readonly startAction?: 'none' | 'start' | 'trap';
  /** Put the real pre-shared key in the secrets section. Default false: a placeholder. */
  readonly includeSecret?: boolean;
}

type ConfValue = string | number | ConfSection;
interface ConfSection {
  readonly [key: string]: ConfValue | undefined;
}

const BARE = /^[A-Za-z0-9_.:/@+\-,*%]+$/;

function scalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (value !== '' && BARE.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** strongswan.conf(5) settings syntax: one setting per line, nested sections in braces. */
function render(section: ConfSection, indent = ''): string {
  let out = '';
  for (const [key, value] of Object.entries(section)) {
    if (value === undefined) continue;
    if (typeof value === 'object') out += `${indent}${key} {\n${render(value, `${indent}  `)}${indent}}\n`;
    else out += `${indent}${key} = ${scalar(value)}\n`;
  }
  return out;
}

/** Our identity types in strongSwan's identity string syntax (docs: "Identity Parsing"). */
export function swanctlIdentity(identity: TunnelIdentity, fallbackAddress: string): { id: string; note?: string } {
  switch (identity.type) {
    case 'any':
      return { id: fallbackAddress, note: `our side accepts any identity; the peer sends ${fallbackAddress}` };
    case 'ipv4':
    case 'ipv6':
      return { id: identity.value };
    case 'fqdn':
      return identity.value.startsWith('*') ? { id: fallbackAddress, note: `our side accepts ${identity.value}; the peer must send a name that matches it` } : { id: `@${identity.value}` };
    case 'email':
      return identity.value.startsWith('*') ? { id: fallbackAddress, note: `our side accepts ${identity.value}; the peer must send an address that matches it` } : { id: `@@${identity.value}` };
    case 'keyid':
      return { id: `@#${identity.value.replace(/^0x/i, '')}` };
    case 'dn':
      return { id: identity.value };
  }
}

function seconds(value: number): string {
  return `${Math.max(1, Math.round(value))}s`;
}

/** strongSwan's secret syntax: 0x<hex> for hex keys; a passphrase as a string (as hex when it would read as 0x/0s). */
function secretValue(tunnel: TunnelConfig): string {
  if (tunnel.auth.method !== 'psk') return '';
  const { type, value } = tunnel.auth.psk;
  if (type === 'hex') return `0x${value.replace(/^0x/i, '')}`;
  if (/^0[xs]/i.test(value)) return `0x${Array.from(new TextEncoder().encode(value), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return value;
}

function networksText(config: GatewayConfig, references: readonly string[]): string {
  return resolveReferences(references, addressBookOf(config)).map(describeRange).join(',');
}

export function generateSwanctlConf(config: GatewayConfig, tunnelName: string, options: SwanctlConfOptions = {}): string {
  const tunnel = config.tunnels.find((t) => t.name === tunnelName);
  if (!tunnel) throw new Error(`no tunnel "${tunnelName}"`);
  const roaming = tunnel.remoteEndpoint === 'none';
  const peerAddress = options.peerAddress ?? (roaming ? '%any' : tunnel.remoteEndpoint);
  const ourAddress = options.ourAddress ?? tunnel.localEndpoint;
  const ourPort = options.ourPort ?? config.engine.ikePort;
  const connection = options.connectionName ?? tunnel.name;
  const child = options.childName ?? 'net';
  const notes: string[] = [];
  const peerId = options.peerIdentity !== undefined ? { id: options.peerIdentity } : swanctlIdentity(tunnel.remoteId, peerAddress === '%any' ? '%any' : peerAddress);
  const ourId = swanctlIdentity(tunnel.localId, ourAddress);
  if (peerId.note) notes.push(peerId.note);
  if (roaming && options.peerAddress === undefined) notes.push('our tunnel is roaming (remote endpoint none): set local_addrs to the peer\'s address if it has a fixed one');
  if (tunnel.remotePort > 0 && tunnel.remotePort !== 500) notes.push(`we send IKE to the peer on port ${tunnel.remotePort}: set charon.port = ${tunnel.remotePort} in the peer's strongswan.conf`);
  if (tunnel.responderPolicy === 'strict') notes.push('our responder policy is strict: a network larger than ours is refused, so keep local_ts/remote_ts exactly as below (seed 13.6.7)');
  if (tunnel.perHost) notes.push('our tunnel negotiates one IPsec SA per host pair (not mirrored here)');
  if (tunnel.ikeVersion !== 2) notes.push('our tunnel is IKEv1 in the config; tunnelscope negotiates IKEv2 only');

  const ike = tunnel.ikeLifetimeSeconds;
  const esp = tunnel.ipsecLifetimeSeconds;
  const { softFraction, jitter } = OUR_REKEY_SCHEDULE;
  const psk = tunnel.auth.method === 'psk';
  const authSection = (id: string, peersOwn: boolean): ConfSection => (psk ? { auth: 'psk', id } : { auth: 'pubkey', id, ...(peersOwn ? { certs: `${connection}.pem` } : {}) });

  const children: ConfSection = {
    [child]: {
      local_ts: networksText(config, tunnel.remoteNetworks),
      remote_ts: networksText(config, tunnel.localNetworks),
      esp_proposals: tunnel.ipsecProposals.join(','),
      rekey_time: seconds(esp * softFraction),
      life_time: seconds(esp),
      rand_time: seconds(esp * jitter),
      ...(tunnel.ipsecLifetimeKilobytes > 0
        ? { life_bytes: tunnel.ipsecLifetimeKilobytes * 1024, rekey_bytes: Math.round(tunnel.ipsecLifetimeKilobytes * 1024 * softFraction) }
        : {}),
      ...(options.startAction && options.startAction !== 'none' ? { start_action: options.startAction } : {}),
    },
  };
  const connections: ConfSection = {
    [connection]: {
      local_addrs: peerAddress,
      remote_addrs: ourAddress,
      ...(ourPort !== 500 ? { remote_port: ourPort } : {}),
      version: tunnel.ikeVersion,
      proposals: tunnel.ikeProposals.join(','),
      rekey_time: seconds(ike * softFraction),
      over_time: seconds(ike * (1 - softFraction)),
      rand_time: seconds(ike * jitter),
      ...(tunnel.dpd.enabled ? { dpd_delay: seconds(tunnel.dpd.intervalSeconds) } : {}),
      local: authSection(peerId.id, true),
      remote: authSection(ourId.id, false),
      children,
    },
  };
  const secret = options.includeSecret
    ? secretValue(tunnel)
    : `<pre-shared key of tunnelscope tunnel ${tunnel.name} (${tunnel.auth.method === 'psk' && tunnel.auth.psk.type === 'hex' ? 'Hex: write it as 0x followed by the hex digits' : 'Passphrase'})>`;
  const secrets: ConfSection | undefined = psk
    ? { [`ike-${connection}`]: { ...(peerId.id !== '%any' ? { 'id-1': peerId.id } : {}), 'id-2': ourId.id, secret } }
    : undefined;
  if (!psk) notes.push('certificate authentication: put the peer\'s certificate in swanctl/x509, its key in swanctl/private and our CA in swanctl/x509ca');
  const document: ConfSection = { connections, secrets };
  const header = [
    `# swanctl.conf for the peer of tunnelscope tunnel "${tunnel.name}" (${ourAddress} <-> ${peerAddress}).`,
    '# Generated: the mirror of our settings. Our local network is this side\'s remote_ts, and vice versa.',
    ...(options.includeSecret || !psk ? [] : ['# The pre-shared key is a placeholder: replace it (secrets never leave tunnelscope by default).']),
    ...notes.map((note) => `# Note: ${note}.`),
  ];
  return `${header.join('\n')}\n${render(document)}`;
}
