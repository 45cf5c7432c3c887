/**
 * The routing table: longest-prefix match over
 *   1. local routes: every gateway address (/32) -> core;
 *   2. the configured routes (address book names resolved; all-nets-ip4 is
 *      0.0.0.0/0), a route through a tunnel interface sends into the tunnel;
 *   3. connected routes: each interface's own network;
 *   4. each tunnel's remote networks through the tunnel (the firewall adds
 *      these with the tunnel).
 * Ties on prefix length go to the lower metric, then to the earlier entry
 * in that order. IPv4 only: IPv6 networks in the config are skipped.
 *
 * The 13.6.5 trap lives here: an all-nets-ip4 route through a tunnel with
 * no more specific route for a management network sends replies to that
 * network into the tunnel. Every route carries its operator label
 * ("all-nets-ip4 via vpn_tunnel") so drops and traces can name it.
 */
import type { GatewayConfig } from '@tunnelscope/api';
import { formatIpv4, formatIpv4Network, parseIpv4, parseIpv4Network, type Ipv4Network } from './ipv4-address.ts';
import { CORE_INTERFACE, type InterfaceTable } from './interfaces.ts';

export type RouteOrigin = 'local' | 'configured' | 'connected' | 'tunnel';

export interface DataPlaneRoute {
  readonly network: Ipv4Network;
  /** As written: an address book name or a CIDR. */
  readonly networkText: string;
  readonly interface: string;
  readonly gateway: string;
  readonly metric: number;
  readonly origin: RouteOrigin;
  /** "all-nets-ip4 via vpn_tunnel", "192.168.1.0/24 via int (connected)". */
  readonly label: string;
}

/** Address book name or CIDR -> IPv4 networks (empty if unknown or IPv6). */
export function resolveIpv4Networks(reference: string, addressBook: GatewayConfig['addressBook']): Ipv4Network[] {
  if (reference === 'all-nets-ip4') return [{ address: 0, prefixLength: 0, mask: 0 }];
  const entry = addressBook.find((candidate) => candidate.name === reference);
  const texts = entry === undefined ? [reference] : entry.networks;
  return texts.flatMap((text) => {
    const network = parseIpv4Network(text);
    return network === undefined ? [] : [network];
  });
}

export class RoutingTable {
  readonly routes: readonly DataPlaneRoute[];

  constructor(config: Pick<GatewayConfig, 'routes' | 'addressBook' | 'tunnels'>, interfaces: InterfaceTable) {
    const routes: DataPlaneRoute[] = [];
    for (const entry of interfaces.all) {
      for (const own of entry.addresses) {
        routes.push({
          network: { address: own.address, prefixLength: 32, mask: 0xffffffff },
          networkText: `${own.text}/32`,
          interface: CORE_INTERFACE,
          gateway: '',
          metric: 0,
          origin: 'local',
          label: `${own.text} via core (${entry.name} address)`,
        });
      }
    }
    for (const route of config.routes) {
      for (const network of resolveIpv4Networks(route.network, config.addressBook)) {
        routes.push({
          network,
          networkText: route.network,
          interface: route.interface,
          gateway: route.gateway,
          metric: route.metric,
          origin: 'configured',
          label: `${route.network} via ${route.interface}${route.gateway === '' ? '' : ` gw ${route.gateway}`}`,
        });
      }
    }
    for (const entry of interfaces.all) {
      for (const own of entry.addresses) {
        const text = formatIpv4Network(own.network);
        routes.push({ network: own.network, networkText: text, interface: entry.name, gateway: '', metric: 0, origin: 'connected', label: `${text} via ${entry.name} (connected)` });
      }
    }
    for (const tunnel of config.tunnels) {
      if (!tunnel.enabled) continue;
      for (const reference of tunnel.remoteNetworks) {
        for (const network of resolveIpv4Networks(reference, config.addressBook)) {
          routes.push({
            network,
            networkText: reference,
            interface: tunnel.name,
            gateway: '',
            metric: 0,
            origin: 'tunnel',
            label: `${reference} via ${tunnel.name} (tunnel remote network)`,
          });
        }
      }
    }
    this.routes = routes;
  }

  /** Longest prefix, then lowest metric, then table order. */
  lookup(destination: number): DataPlaneRoute | undefined {
    let best: DataPlaneRoute | undefined;
    for (const route of this.routes) {
      if (((destination & route.network.mask) >>> 0) !== route.network.address) continue;
      if (
        best === undefined ||
        route.network.prefixLength > best.network.prefixLength ||
        (route.network.prefixLength === best.network.prefixLength && route.metric < best.metric)
      ) {
        best = route;
      }
    }
    return best;
  }

  lookupText(destination: string): DataPlaneRoute | undefined {
    const address = parseIpv4(destination);
    return address === undefined ? undefined : this.lookup(address);
  }
}

export function describeNoRoute(destination: number): string {
  return `no route to ${formatIpv4(destination)}`;
}
