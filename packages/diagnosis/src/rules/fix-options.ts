/** Constructors for the machine-applicable fixes rules offer (checked again by proposeFix before applying). */
import type { PskType, ResponderPolicy } from '@tunnelscope/api';
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
