/**
 * What the data-plane scenarios add to the lab's configs (issue 8, "Lab and
 * diagnosis"), kept apart from demo-config.ts:
 *
 *   management network behind a router (13.6.5)
 *     mgm 10.255.0.0/24 (connected) --router 10.255.0.254--> mgmt-remote 10.254.1.0/24
 *     the station 10.254.1.10 is a simulated host on mgm; a rule lets it reach
 *     the gateway; NO route for mgmt-remote: replies to it follow the longest
 *     match, which is the scenario's all-nets-ip4 route into its tunnel
 *   roaming tunnel on its own address (13.6.1 overlap)
 *     the roaming tunnel listens on localAddress + 1, so tunnel selection at
 *     IKE_SA_INIT (by local endpoint first) keeps it apart from every other
 *     tunnel: it can neither capture a branch nor be shadowed by roadwarriors
 *
 * Pure functions of the scenario table and the lab options.
 */
import type { GatewayConfigInput } from '@tunnelscope/api';
import type { ResolvedLabOptions } from '../lab-options.ts';
import { LabOptionsError } from '../lab-options.ts';
import type { ScenarioDefinition } from '../scenario-catalogue.ts';

/** The management network that is NOT directly connected: behind a router on mgm. */
export const LAB_MANAGEMENT_REMOTE = {
  name: 'mgmt-remote',
  cidr: '10.254.1.0/24',
  /** The router on mgm's network that leads to it (what the operator's specific route would name). */
  nextHop: '10.255.0.254',
  host: '10.254.1.10',
} as const;

/** The second loopback address of our gateway (the base address + 1), for a tunnel with its own listen address. */
export function ownListenAddress(options: Pick<ResolvedLabOptions, 'localAddress'>): string {
  const octets = options.localAddress.split('.').map(Number);
  const last = octets[3]!;
  if (last >= 254) throw new LabOptionsError(`localAddress ${options.localAddress}: the roaming tunnel listens on the next address, which does not exist (use a host number below 254)`);
  return [...octets.slice(0, 3), last + 1].join('.');
}

/** Our tunnel's local endpoint for a scenario: the lab's address, or its own second address. */
export function localEndpointFor(definition: ScenarioDefinition, options: ResolvedLabOptions): string {
  return definition.roamingOnOwnAddress ? ownListenAddress(options) : options.localAddress;
}

/** Every address the local gateway listens on (the base address first). */
/** Our tunnel's remote endpoint for a scenario: the peer's address, or none for a roaming tunnel. */
export function remoteEndpointFor(definition: ScenarioDefinition, options: ResolvedLabOptions): string {
  return definition.roamingOnOwnAddress ? 'none' : options.peerAddress(definition.site.host);
}

/** The address a scenario's peer talks to: our tunnel's local endpoint. */
export function peerRemoteEndpointFor(definition: ScenarioDefinition, options: ResolvedLabOptions): string {
  return localEndpointFor(definition, options);
}

export function localListenAddresses(definitions: readonly ScenarioDefinition[], options: ResolvedLabOptions): string[] {
  return definitions.some((definition) => definition.roamingOnOwnAddress) ? [options.localAddress, ownListenAddress(options)] : [options.localAddress];
}

type DataPlaneAdditions = Required<Pick<GatewayConfigInput, 'addressBook' | 'ipRules' | 'routes' | 'hosts'>>;

/**
 * Address book entries, rules, routes and hosts the data-plane scenarios add
 * to the demo config. `managementInterface` is the demo config's mgm.
 */
export function dataPlaneDemoAdditions(definitions: readonly ScenarioDefinition[], managementInterface: string): DataPlaneAdditions {
  const allNetsTunnels = definitions.filter((definition) => definition.localAllNetsRoute).map((definition) => definition.site.tunnel);
  return {
    addressBook: [{ name: LAB_MANAGEMENT_REMOTE.name, networks: [LAB_MANAGEMENT_REMOTE.cidr] }],
    ipRules: [
      {
        name: 'management-remote-to-gateway',
        action: 'Allow',
        sourceInterface: managementInterface,
        sourceNetwork: LAB_MANAGEMENT_REMOTE.name,
        destinationInterface: 'core',
        destinationNetwork: 'all-nets-ip4',
        service: 'all_services',
      },
    ],
    // Seed 13.6.5: all-nets-ip4 into the tunnel, and (deliberately) no route for mgmt-remote.
    routes: allNetsTunnels.map((tunnel) => ({ network: 'all-nets-ip4', interface: tunnel })),
    hosts: [{ name: 'mgmt-remote-station', interface: managementInterface, address: LAB_MANAGEMENT_REMOTE.host, services: ['icmp', 'udp'] }],
  };
}
