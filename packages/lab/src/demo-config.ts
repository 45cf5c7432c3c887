/**
 * The configs of the lab: the demo config of the LOCAL gateway (one tunnel
 * towards every scenario peer, ordered so that each scenario reproduces)
 * and each peer gateway's own config (the mirror of our tunnel, with the
 * scenario's misconfiguration).
 *
 * Our tunnel list, top to bottom:
 *
 *   vpn_tunnel, branch-..., ...        every scenario with a placement of its own
 *   roadwarriors                       the roaming all-nets-ip4 tunnel ...
 *   branch-kiruna                      ... directly above the one it shadows
 *
 * A roaming tunnel matches every remote gateway, so it must sit below every
 * tunnel it is not meant to capture: scenarios that bring tunnels "above"
 * themselves are placed at the bottom.
 */
import type { GatewayConfigInput, TunnelInput } from '@tunnelscope/api';
import type { ResolvedLabOptions } from './lab-options.ts';
import { CLEAN_PROPOSALS, HQ_NETWORK, SCENARIO_DEFINITIONS, type ScenarioDefinition } from './scenario-catalogue.ts';

/** The name of the peer's tunnel in its own config (every peer has exactly one). */
export const PEER_TUNNEL_NAME = 'hq';

/** Our tunnel towards a scenario's peer. */
export function localTunnelFor(definition: ScenarioDefinition, options: ResolvedLabOptions): TunnelInput {
  const { site } = definition;
  return {
    name: site.tunnel,
    localEndpoint: options.localAddress,
    remoteEndpoint: options.peerAddress(site.host),
    localNetworks: [HQ_NETWORK.name],
    remoteNetworks: [site.network],
    ikeProposals: [...CLEAN_PROPOSALS.ike],
    ipsecProposals: [...CLEAN_PROPOSALS.ipsec],
    auth: { method: 'psk', psk: { ...site.psk } },
    ...definition.local,
    ...(definition.timingBound?.localFastDpd
      ? { dpd: { enabled: true, intervalSeconds: options.timing.oneSidedDpdSeconds, timeoutSeconds: Math.max(options.timing.oneSidedDpdSeconds * 3, 5) } }
      : {}),
  };
}

/** The peer's tunnel towards us: the mirror of ours, then the scenario's differences. Undefined when no peer listens. */
export function peerTunnelFor(definition: ScenarioDefinition, options: ResolvedLabOptions): TunnelInput | undefined {
  if (definition.peer === null) return undefined;
  const { site } = definition;
  return {
    name: PEER_TUNNEL_NAME,
    localEndpoint: options.peerAddress(site.host),
    remoteEndpoint: options.localAddress,
    localNetworks: [site.network],
    remoteNetworks: [HQ_NETWORK.cidr],
    ikeProposals: [...CLEAN_PROPOSALS.ike],
    ipsecProposals: [...CLEAN_PROPOSALS.ipsec],
    auth: { method: 'psk', psk: { ...site.psk } },
    ...definition.peer,
    ...(definition.timingBound?.peerShortLifetimes
      ? { ipsecLifetimeSeconds: options.timing.peerIpsecLifetimeSeconds, ikeLifetimeSeconds: options.timing.peerIpsecLifetimeSeconds * 10 }
      : {}),
  };
}

function engineSettings(options: ResolvedLabOptions, address: string, snoop: 'off' | 'brief'): NonNullable<GatewayConfigInput['engine']> {
  return {
    ikePort: options.ikePort,
    natTPort: options.natTPort,
    listenAddresses: [address],
    retransmit: { ...options.timing.retransmit },
    snoop: { mode: snoop, peer: '' },
  };
}

/** Our tunnels in list order (see the file comment). */
export function orderedLocalTunnels(options: ResolvedLabOptions): TunnelInput[] {
  const placedInOrder = SCENARIO_DEFINITIONS.filter((definition) => !definition.localTunnelsAbove?.length);
  const placedAtBottom = SCENARIO_DEFINITIONS.filter((definition) => definition.localTunnelsAbove?.length);
  return [
    ...placedInOrder.map((definition) => localTunnelFor(definition, options)),
    ...placedAtBottom.flatMap((definition) => [
      ...(definition.localTunnelsAbove ?? []).map((template) => ({ ...template, localEndpoint: options.localAddress })),
      localTunnelFor(definition, options),
    ]),
  ];
}

/** The demo config of the local gateway: every scenario's tunnel, whether its scenario runs or not. */
export function buildDemoConfig(options: ResolvedLabOptions): GatewayConfigInput {
  return {
    timeZone: 'UTC',
    interfaces: [
      { name: 'ext', addresses: [`${options.localAddress}/24`], description: 'IKE endpoint of every tunnel (loopback lab)' },
      { name: 'core', addresses: ['192.168.10.1/24'], description: 'Our protected network (seed 13.6.7 side A)' },
    ],
    addressBook: [{ name: HQ_NETWORK.name, networks: [HQ_NETWORK.cidr] }],
    ipRules: [
      // Seed 13.6.1: lets the gateway answer pings that arrive through the tunnel.
      {
        name: 'ping-through-tunnel',
        action: 'Allow',
        sourceInterface: 'vpn_tunnel',
        sourceNetwork: 'all-nets-ip4',
        destinationInterface: 'core',
        destinationNetwork: 'all-nets-ip4',
        service: 'ICMP',
      },
    ],
    routes: [{ network: HQ_NETWORK.name, interface: 'core' }],
    tunnels: orderedLocalTunnels(options),
    engine: engineSettings(options, options.localAddress, 'brief'),
  };
}

/** A peer gateway's whole config: one tunnel towards us. Undefined when no peer listens. */
export function buildPeerConfig(definition: ScenarioDefinition, options: ResolvedLabOptions): GatewayConfigInput | undefined {
  const tunnel = peerTunnelFor(definition, options);
  if (!tunnel) return undefined;
  return {
    timeZone: 'UTC',
    tunnels: [tunnel],
    engine: engineSettings(options, options.peerAddress(definition.site.host), 'brief'),
  };
}
