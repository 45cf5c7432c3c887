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
import { dataPlaneDemoAdditions, localEndpointFor, localListenAddresses, peerRemoteEndpointFor, remoteEndpointFor } from './dataplane/dataplane-lab-config.ts';

/** The name of the peer's tunnel in its own config (every peer has exactly one). */
export const PEER_TUNNEL_NAME = 'hq';

/** Our tunnel towards a scenario's peer. */
export function localTunnelFor(definition: ScenarioDefinition, options: ResolvedLabOptions): TunnelInput {
  const { site } = definition;
  return {
    name: site.tunnel,
    localEndpoint: localEndpointFor(definition, options),
    remoteEndpoint: remoteEndpointFor(definition, options),
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
    remoteEndpoint: peerRemoteEndpointFor(definition, options),
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

function engineSettings(options: ResolvedLabOptions, addresses: string[], snoop: 'off' | 'brief'): NonNullable<GatewayConfigInput['engine']> {
  return {
    ikePort: options.ikePort,
    natTPort: options.natTPort,
    listenAddresses: addresses,
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

/**
 * The data plane of the local gateway (seed 13.6.1, 13.6.5): `core` is the
 * gateway itself (implicit, not in the interface list: every interface
 * address is delivered to core), the protected network sits behind `int`, the
 * management network behind `mgm`, and each scenario's network is routed
 * into its tunnel. Simulated hosts answer ICMP and UDP.
 */
export const LAB_INTERNAL = { interface: 'int', gateway: '192.168.10.1', prefix: 24, host: '192.168.10.20' } as const;
export const LAB_MANAGEMENT = { name: 'mgmt-net', cidr: '10.255.0.0/24', interface: 'mgm', gateway: '10.255.0.1', host: '10.255.0.10' } as const;

/** Routes into each non-roaming tunnel for its remote networks (a roaming tunnel's all-nets is never routed). */
function tunnelRoutes(tunnels: readonly TunnelInput[]): Array<{ network: string; interface: string }> {
  return tunnels.filter((tunnel) => tunnel.remoteEndpoint !== 'none').flatMap((tunnel) => tunnel.remoteNetworks.map((network) => ({ network, interface: tunnel.name })));
}

/** The demo config of the local gateway: every scenario's tunnel, whether its scenario runs or not. */
export function buildDemoConfig(options: ResolvedLabOptions): GatewayConfigInput {
  const tunnels = orderedLocalTunnels(options);
  const listenAddresses = localListenAddresses(SCENARIO_DEFINITIONS, options);
  const dataPlane = dataPlaneDemoAdditions(SCENARIO_DEFINITIONS, LAB_MANAGEMENT.interface);
  return {
    timeZone: 'UTC',
    interfaces: [
      { name: 'ext', addresses: listenAddresses.map((address) => `${address}/24`), description: 'IKE endpoint of every tunnel (loopback lab)' },
      { name: LAB_INTERNAL.interface, addresses: [`${LAB_INTERNAL.gateway}/${LAB_INTERNAL.prefix}`], description: 'Our protected network (seed 13.6.7 side A)' },
      { name: LAB_MANAGEMENT.interface, addresses: [`${LAB_MANAGEMENT.gateway}/24`], description: 'Management network (seed 13.6.5)' },
    ],
    addressBook: [
      { name: HQ_NETWORK.name, networks: [HQ_NETWORK.cidr] },
      { name: LAB_MANAGEMENT.name, networks: [LAB_MANAGEMENT.cidr] },
      ...dataPlane.addressBook,
    ],
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
      // The same rule for the tunnels whose scenario shows a ping answered (13.6.1).
      ...SCENARIO_DEFINITIONS.filter((definition) => definition.localIcmpRule).map((definition) => ({
        name: `ping-through-${definition.site.tunnel}`,
        action: 'Allow' as const,
        sourceInterface: definition.site.tunnel,
        sourceNetwork: 'all-nets-ip4',
        destinationInterface: 'core',
        destinationNetwork: 'all-nets-ip4',
        service: 'ICMP',
      })),
      { name: 'management-to-gateway', action: 'Allow', sourceInterface: LAB_MANAGEMENT.interface, sourceNetwork: LAB_MANAGEMENT.name, destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'all_services' },
      { name: 'hq-to-branches', action: 'Allow', sourceInterface: LAB_INTERNAL.interface, sourceNetwork: HQ_NETWORK.name, destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'all_services' },
      ...dataPlane.ipRules,
    ],
    routes: [
      { network: HQ_NETWORK.name, interface: LAB_INTERNAL.interface },
      { network: LAB_MANAGEMENT.name, interface: LAB_MANAGEMENT.interface },
      ...tunnelRoutes(tunnels),
      ...dataPlane.routes,
    ],
    hosts: [
      { name: 'hq-server', interface: LAB_INTERNAL.interface, address: LAB_INTERNAL.host, services: ['icmp', 'udp'] },
      { name: 'mgmt-station', interface: LAB_MANAGEMENT.interface, address: LAB_MANAGEMENT.host, services: ['icmp', 'udp'] },
      ...dataPlane.hosts,
    ],
    tunnels,
    engine: engineSettings(options, listenAddresses, 'brief'),
  };
}

/** The host behind a scenario peer (its site network's .20) and the peer's own int address (.1). */
export function peerSiteAddresses(definition: ScenarioDefinition): { gateway: string; host: string; prefix: number } {
  const [base, prefix] = definition.site.network.split('/');
  const octets = base!.split('.');
  return { gateway: [...octets.slice(0, 3), '1'].join('.'), host: [...octets.slice(0, 3), '20'].join('.'), prefix: Number(prefix) };
}

/**
 * A peer gateway's whole config: one tunnel towards us, and a data plane of
 * its own (its site network behind int with one host, routed to our
 * network through the tunnel). Undefined when no peer listens.
 */
export function buildPeerConfig(definition: ScenarioDefinition, options: ResolvedLabOptions): GatewayConfigInput | undefined {
  const tunnel = peerTunnelFor(definition, options);
  if (!tunnel) return undefined;
  const site = peerSiteAddresses(definition);
  const peerAddress = options.peerAddress(definition.site.host);
  return {
    timeZone: 'UTC',
    interfaces: [
      { name: 'ext', addresses: [`${peerAddress}/24`], description: 'IKE endpoint (loopback lab)' },
      { name: 'int', addresses: [`${site.gateway}/${site.prefix}`], description: 'The peer\'s site network' },
    ],
    ipRules: [
      { name: 'site-to-hq', action: 'Allow', sourceInterface: 'int', sourceNetwork: definition.site.network, destinationInterface: PEER_TUNNEL_NAME, destinationNetwork: 'all-nets-ip4', service: 'all_services' },
      { name: 'hq-to-site', action: 'Allow', sourceInterface: PEER_TUNNEL_NAME, sourceNetwork: 'all-nets-ip4', destinationInterface: 'int', destinationNetwork: definition.site.network, service: 'all_services' },
    ],
    routes: [
      { network: definition.site.network, interface: 'int' },
      ...tunnel.remoteNetworks.map((network) => ({ network, interface: PEER_TUNNEL_NAME })),
    ],
    hosts: [{ name: 'site-host', interface: 'int', address: site.host, services: ['icmp', 'udp'] }],
    tunnels: [tunnel],
    engine: engineSettings(options, [peerAddress], 'brief'),
  };
}
