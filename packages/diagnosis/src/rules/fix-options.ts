/** Constructors for the machine-applicable fixes rules offer (checked again by proposeFix before applying). */
import type { IpRule, PskType, ResponderPolicy, RouteConfig } from '@tunnelscope/api';
import type { FixOption } from '../model/finding.ts';

export function addProposalFix(tunnel: string, list: 'ikeProposals' | 'ipsecProposals', proposal: string): FixOption {
  const words = list === 'ikeProposals' ? 'IKE' : 'IPsec';
  return {
    id: `add-${list === 'ikeProposals' ? 'ike' : 'ipsec'}-proposal`,
    summary: `Add the ${words} proposal "${proposal}" to tunnel "${tunnel}" (after the existing ones)`,
    actions: [{ kind: 'add-proposal', tunnel, list, proposal, position: 'last' }],
  };
}

export function moveTunnelFix(tunnel: string, above: string): FixOption {
  return {
    id: 'move-tunnel',
    summary: `Move tunnel "${tunnel}" above "${above}" in the tunnel list (it is scanned top to bottom)`,
    actions: [{ kind: 'move-tunnel', tunnel, above }],
  };
}

export function preferDhGroupFix(tunnel: string, group: string): FixOption {
  return {
    id: 'prefer-dh-group',
    summary: `Reorder the IKE proposals of "${tunnel}" so ${group} is the DH group offered first (saves the extra round trip)`,
    actions: [{ kind: 'prefer-dh-group', tunnel, group }],
  };
}

export function setNetworksFix(tunnel: string, field: 'localNetworks' | 'remoteNetworks', networks: readonly string[], why: string): FixOption {
  return {
    id: `set-${field === 'localNetworks' ? 'local' : 'remote'}-networks`,
    summary: `Set the ${field === 'localNetworks' ? 'local' : 'remote'} network of "${tunnel}" to ${networks.join(', ')} (${why})`,
    actions: [{ kind: 'set-networks', tunnel, field, networks: [...networks] }],
  };
}

export function responderPolicyFix(tunnel: string, policy: ResponderPolicy): FixOption {
  return {
    id: `responder-policy-${policy}`,
    summary:
      policy === 'narrow'
        ? `Switch "${tunnel}" to the narrow responder policy: a larger proposed network is narrowed to ours (RFC 7296 §2.9) instead of refused`
        : `Switch "${tunnel}" to the strict responder policy`,
    actions: [{ kind: 'set-responder-policy', tunnel, policy }],
  };
}

export function pskTypeFix(tunnel: string, type: PskType): FixOption {
  return {
    id: 'set-psk-type',
    summary: `Set the pre-shared key type of "${tunnel}" to ${type === 'hex' ? 'Hex' : 'Passphrase'} (the key value stays as it is)`,
    actions: [{ kind: 'set-psk-type', tunnel, type }],
  };
}

export function enableDpdFix(tunnel: string): FixOption {
  return {
    id: 'enable-dpd',
    summary: `Enable dead peer detection on "${tunnel}" so a tunnel gone on the peer's side is noticed here`,
    actions: [{ kind: 'enable-dpd', tunnel }],
  };
}

export function lifetimeFix(tunnel: string, field: 'ikeLifetimeSeconds' | 'ipsecLifetimeSeconds', seconds: number): FixOption {
  return {
    id: `set-${field === 'ikeLifetimeSeconds' ? 'ike' : 'ipsec'}-lifetime`,
    summary: `Set the ${field === 'ikeLifetimeSeconds' ? 'IKE' : 'IPsec'} lifetime of "${tunnel}" to ${seconds} s, as the peer has it`,
    actions: [{ kind: 'set-lifetime', tunnel, field, seconds }],
  };
}

/** Adds an IP rule at `position`: above the Drop/Reject rule that would shadow it (`before`), or at the end. */
export function addIpRuleFix(rule: IpRule, position: number, before: string | null, why: string): FixOption {
  const text = `${rule.action} ${rule.sourceInterface} ${rule.sourceNetwork} ${rule.destinationInterface} ${rule.destinationNetwork} ${rule.service}`;
  const where = before === null ? `as rule ${position}, at the end of the rule set` : `as rule ${position}, above "${before || `rule ${position}`}"`;
  return {
    id: 'add-ip-rule',
    summary: `Add the IP rule "${text}" ${where} (${why})`,
    actions: [{ kind: 'add-ip-rule', rule, position, before }],
  };
}

/** Adds a specific route (seed 13.6.5: the management network back out of the management interface). */
export function addRouteFix(route: RouteConfig, why: string): FixOption {
  return {
    id: 'add-route',
    summary: `Add the route ${route.network} via ${route.interface}${route.gateway ? ` (gateway ${route.gateway})` : ''} (${why})`,
    actions: [{ kind: 'add-route', route }],
  };
}

/** Seed 13.6.2: disable CRL checking to see whether CA server access is the problem. */
export function crlCheckingFix(tunnel: string, enabled: boolean): FixOption {
  return {
    id: enabled ? 'enable-crl-checking' : 'disable-crl-checking',
    summary: enabled
      ? `Turn CRL checking on again for "${tunnel}"`
      : `Disable CRL checking on "${tunnel}" to see if CA server access is the problem (revoked certificates are then accepted: turn it on again once the CA server is reachable)`,
    actions: [{ kind: 'set-crl-checking', tunnel, enabled }],
  };
}
