/**
 * Applies fix actions to a config, each checked first. The guards hold
 * whatever finding the actions came from:
 *   - never add an algorithm RFC 8247 deprecates (or one the engine lacks),
 *   - never set an all-nets network (0.0.0.0/0, ::/0, all-nets-ip4/6, or an
 *     address book entry holding one),
 *   - only touch tunnels and address book entries that exist,
 *   - reordering DH groups keeps exactly the same transforms,
 *   - a new IP rule names interfaces that exist and goes before the rule it
 *     is placed above (which must exist); a new route is never all-nets and
 *     never duplicates an existing route.
 * Returns a new config; the input is not modified.
 */
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import type { FixAction } from '../model/finding.ts';
import { parseNetwork } from '../net/ip-networks.ts';
import { addressBookOf, coversAllNets } from '../net/tunnel-networks.ts';
import { checkAddableProposal, listPreferringGroup, sameTransformSet } from '../proposals/proposal-analysis.ts';

export type ApplyResult = { ok: true; config: GatewayConfig; changedPaths: string[] } | { ok: false; reason: string };

function replaceTunnel(config: GatewayConfig, index: number, tunnel: TunnelConfig): GatewayConfig {
  const tunnels = [...config.tunnels];
  tunnels[index] = tunnel;
  return { ...config, tunnels };
}

function checkNetworks(config: GatewayConfig, networks: readonly string[]): string | undefined {
  if (networks.length === 0) return 'a network list cannot be empty';
  const book = addressBookOf(config);
  for (const network of networks) {
    if (!book.has(network) && parseNetwork(network) === undefined) return `"${network}" is neither a network nor an address book name`;
  }
  if (coversAllNets(networks, book)) return `${networks.join(', ')} covers every address (all-nets); a fix never sets an all-nets selector`;
  return undefined;
}

/**
 * Interfaces a rule or route may name: configured interfaces, tunnels (each
 * is an interface) and, for rules, "any" and "core" (the gateway itself, as
 * in the seed's `Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP`).
 */
function knownInterface(config: GatewayConfig, name: string, forRule: boolean): boolean {
  return (forRule && (name === 'any' || name === 'core')) || config.interfaces.some((i) => i.name === name) || config.tunnels.some((t) => t.name === name);
}

function checkNetworkReference(config: GatewayConfig, network: string): string | undefined {
  return addressBookOf(config).has(network) || parseNetwork(network) !== undefined ? undefined : `"${network}" is neither a network nor an address book name`;
}

function addIpRule(config: GatewayConfig, action: Extract<FixAction, { kind: 'add-ip-rule' }>): ApplyResult {
  const { rule } = action;
  for (const [field, name] of [['sourceInterface', rule.sourceInterface], ['destinationInterface', rule.destinationInterface]] as const) {
    if (!knownInterface(config, name, true)) return { ok: false, reason: `rule ${field}: no interface or tunnel "${name}"` };
  }
  for (const network of [rule.sourceNetwork, rule.destinationNetwork]) {
    const problem = checkNetworkReference(config, network);
    if (problem) return { ok: false, reason: problem };
  }
  if (rule.name !== '' && config.ipRules.some((existing) => existing.name === rule.name)) return { ok: false, reason: `a rule named "${rule.name}" exists already` };
  const { position } = action;
  if (!Number.isInteger(position) || position < 0 || position > config.ipRules.length) return { ok: false, reason: `rule position ${position} is outside the rule set (0..${config.ipRules.length})` };
  // The config changed since the fix was computed: the rule it must go above is no longer there.
  if (action.before !== null && config.ipRules[position]?.name !== action.before) return { ok: false, reason: `rule ${position} is no longer "${action.before}": diagnose again` };
  const ipRules = [...config.ipRules];
  ipRules.splice(position, 0, { ...rule });
  return { ok: true, config: { ...config, ipRules }, changedPaths: [`ipRules[${position}]`] };
}

function addRoute(config: GatewayConfig, action: Extract<FixAction, { kind: 'add-route' }>): ApplyResult {
  const { route } = action;
  if (!knownInterface(config, route.interface, false)) return { ok: false, reason: `route interface: no interface or tunnel "${route.interface}"` };
  const problem = checkNetworks(config, [route.network]);
  if (problem) return { ok: false, reason: problem };
  if (config.routes.some((existing) => existing.network === route.network && existing.interface === route.interface)) {
    return { ok: false, reason: `a route for ${route.network} via ${route.interface} exists already` };
  }
  return { ok: true, config: { ...config, routes: [...config.routes, { ...route }] }, changedPaths: [`routes[${config.routes.length}]`] };
}

function applyOne(config: GatewayConfig, action: FixAction): ApplyResult {
  if (action.kind === 'add-ip-rule') return addIpRule(config, action);
  if (action.kind === 'add-route') return addRoute(config, action);
  if (action.kind === 'set-address-book-networks') {
    const index = config.addressBook.findIndex((entry) => entry.name === action.entry);
    if (index < 0) return { ok: false, reason: `no address book entry "${action.entry}"` };
    const problem = checkNetworks(config, action.networks);
    if (problem) return { ok: false, reason: problem };
    const addressBook = [...config.addressBook];
    addressBook[index] = { ...addressBook[index]!, networks: [...action.networks] };
    return { ok: true, config: { ...config, addressBook }, changedPaths: [`addressBook[${index}].networks`] };
  }
  const index = config.tunnels.findIndex((t) => t.name === action.tunnel);
  const tunnel = config.tunnels[index];
  if (!tunnel) return { ok: false, reason: `no tunnel "${action.tunnel}"` };
  switch (action.kind) {
    case 'move-tunnel': {
      const above = config.tunnels.findIndex((t) => t.name === action.above);
      if (above < 0) return { ok: false, reason: `no tunnel "${action.above}"` };
      if (index < above) return { ok: false, reason: `"${action.tunnel}" is already above "${action.above}"` };
      const tunnels = config.tunnels.filter((_, i) => i !== index);
      tunnels.splice(above, 0, tunnel);
      return { ok: true, config: { ...config, tunnels }, changedPaths: [`tunnels[${index}] -> tunnels[${above}]`] };
    }
    case 'add-proposal': {
      const protocol = action.list === 'ikeProposals' ? 'ike' : 'esp';
      const checked = checkAddableProposal(action.proposal, protocol);
      if (!checked.ok) return { ok: false, reason: checked.reason };
      const list = tunnel[action.list];
      if (list.some((existing) => sameTransformSet(existing, checked.canonical, protocol))) return { ok: false, reason: `"${tunnel.name}" already has a proposal with the transforms of "${checked.canonical}"` };
      const next = action.position === 'first' ? [checked.canonical, ...list] : [...list, checked.canonical];
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, [action.list]: next }), changedPaths: [`tunnels[${index}].${action.list}`] };
    }
    case 'prefer-dh-group': {
      const next = listPreferringGroup(tunnel.ikeProposals, 'ike', action.group);
      if (!next) return { ok: false, reason: `no IKE proposal of "${tunnel.name}" allows ${action.group}` };
      const sameProposals = next.length === tunnel.ikeProposals.length && next.every((p) => tunnel.ikeProposals.some((q) => sameTransformSet(p, q, 'ike')));
      if (!sameProposals) return { ok: false, reason: 'reordering would change the transforms' };
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, ikeProposals: next }), changedPaths: [`tunnels[${index}].ikeProposals`] };
    }
    case 'set-networks': {
      const problem = checkNetworks(config, action.networks);
      if (problem) return { ok: false, reason: problem };
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, [action.field]: [...action.networks] }), changedPaths: [`tunnels[${index}].${action.field}`] };
    }
    case 'set-responder-policy':
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, responderPolicy: action.policy }), changedPaths: [`tunnels[${index}].responderPolicy`] };
    case 'set-psk-type': {
      if (tunnel.auth.method !== 'psk') return { ok: false, reason: `"${tunnel.name}" does not use a pre-shared key` };
      if (action.type === 'hex' && !/^(0x)?([0-9a-fA-F]{2})+$/.test(tunnel.auth.psk.value)) return { ok: false, reason: `the key of "${tunnel.name}" is not valid hex` };
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, auth: { method: 'psk', psk: { ...tunnel.auth.psk, type: action.type } } }), changedPaths: [`tunnels[${index}].auth.psk.type`] };
    }
    case 'enable-dpd':
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, dpd: { ...tunnel.dpd, enabled: true } }), changedPaths: [`tunnels[${index}].dpd.enabled`] };
    case 'set-crl-checking':
      if (tunnel.auth.method !== 'certificate') return { ok: false, reason: `"${tunnel.name}" does not authenticate with certificates` };
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, crlChecking: action.enabled }), changedPaths: [`tunnels[${index}].crlChecking`] };
    case 'set-lifetime': {
      if (!Number.isInteger(action.seconds) || action.seconds < 60) return { ok: false, reason: 'a lifetime is a whole number of seconds, at least 60' };
      return { ok: true, config: replaceTunnel(config, index, { ...tunnel, [action.field]: action.seconds }), changedPaths: [`tunnels[${index}].${action.field}`] };
    }
  }
}

export function applyFixActions(config: GatewayConfig, actions: readonly FixAction[]): ApplyResult {
  let current = config;
  const changedPaths: string[] = [];
  for (const action of actions) {
    const result = applyOne(current, action);
    if (!result.ok) return result;
    current = result.config;
    changedPaths.push(...result.changedPaths);
  }
  return { ok: true, config: current, changedPaths };
}
