/**
 * The interface table: every configured interface (ext, int, mgm, ...),
 * `core` (the gateway itself) and one interface per IPsec tunnel, named
 * after the tunnel. Every configured interface address belongs to core:
 * a packet to it is delivered to the gateway, and rules must name `core`
 * as its destination interface (seed 13.6.1).
 *
 * Interface numbers (the number `flow -show -verbose` prints in
 * parentheses) follow the seed's listing, where core, the first physical
 * interface and the first tunnel show as "core(0)", "ext(0)" and
 * "ipsec-1(33)": core is 0; physical interfaces are numbered 0, 1, 2 ...
 * in config order (a configured interface named "core" only gives core
 * its addresses); tunnel interfaces are numbered above the 32 physical
 * slots, 33, 34 ... in tunnel-list order. Internally every interface has a
 * dense position (`id`) that the flow table stores.
 */
import type { GatewayConfig, InterfaceView } from '@tunnelscope/api';
import { makeNetwork, parseIpv4, type Ipv4Network } from './ipv4-address.ts';

export const CORE_INTERFACE = 'core';
/** Interface numbers of tunnels start above this (seed: the first tunnel is "ipsec-1(33)"). */
export const TUNNEL_NUMBER_BASE = 32;

export type InterfaceKind = 'ethernet' | 'core' | 'tunnel';

export interface InterfaceAddress {
  readonly address: number;
  readonly network: Ipv4Network;
  readonly text: string;
}

export interface DataPlaneInterface {
  /** Dense position in the table (what flows store). */
  readonly id: number;
  readonly name: string;
  /** The number shown in parentheses by `flow -show -verbose`. */
  readonly number: number;
  readonly kind: InterfaceKind;
  readonly addresses: readonly InterfaceAddress[];
}

export interface InterfaceCounters {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  drops: number;
}

export class InterfaceTable {
  readonly all: readonly DataPlaneInterface[];
  private readonly byName = new Map<string, DataPlaneInterface>();
  /** Gateway-owned address -> the interface that carries it. */
  private readonly localAddresses = new Map<number, DataPlaneInterface>();
  readonly core: DataPlaneInterface;

  constructor(config: Pick<GatewayConfig, 'interfaces' | 'tunnels'>) {
    const all: DataPlaneInterface[] = [];
    const add = (name: string, number: number, kind: InterfaceKind, addresses: InterfaceAddress[]) => {
      if (this.byName.has(name)) return;
      const entry: DataPlaneInterface = { id: all.length, name, number, kind, addresses };
      all.push(entry);
      this.byName.set(name, entry);
    };
    const addressesOf = (texts: readonly string[]): InterfaceAddress[] =>
      texts.flatMap((text) => {
        const slash = text.indexOf('/');
        const address = parseIpv4(slash < 0 ? text : text.slice(0, slash));
        if (address === undefined) return [];
        const prefix = slash < 0 ? 32 : Number(text.slice(slash + 1));
        return [{ address, network: makeNetwork(address, prefix), text: text.slice(0, slash < 0 ? undefined : slash) }];
      });
    // A configured interface named "core" gives the gateway itself addresses (loopback-like); it stays core.
    const configuredCore = config.interfaces.find((configured) => configured.name === CORE_INTERFACE);
    add(CORE_INTERFACE, 0, 'core', addressesOf(configuredCore?.addresses ?? []));
    let position = 0;
    for (const configured of config.interfaces) {
      if (configured.name === CORE_INTERFACE) continue;
      add(configured.name, position++, 'ethernet', addressesOf(configured.addresses));
    }
    config.tunnels.forEach((tunnel, position) => add(tunnel.name, TUNNEL_NUMBER_BASE + 1 + position, 'tunnel', []));
    this.all = all;
    const core = this.byName.get(CORE_INTERFACE);
    if (core === undefined) throw new Error('interfaces: core missing');
    this.core = core;
    for (const entry of all) for (const address of entry.addresses) this.localAddresses.set(address.address, entry);
  }

  get(name: string): DataPlaneInterface | undefined {
    return this.byName.get(name);
  }

  byId(id: number): DataPlaneInterface {
    const entry = this.all[id];
    if (entry === undefined) throw new RangeError(`interfaces: no interface at position ${id}`);
    return entry;
  }

  /** True if the gateway owns the address (it is delivered to core). */
  isLocal(address: number): boolean {
    return this.localAddresses.has(address);
  }

  /** The interface that carries a gateway address. */
  interfaceOfLocal(address: number): DataPlaneInterface | undefined {
    return this.localAddresses.get(address);
  }

  /** The physical interface whose network holds the address, if any. */
  interfaceForNetworkOf(address: number): DataPlaneInterface | undefined {
    let best: { entry: DataPlaneInterface; prefix: number } | undefined;
    for (const entry of this.all) {
      for (const own of entry.addresses) {
        if (((address & own.network.mask) >>> 0) === own.network.address && (best === undefined || own.network.prefixLength > best.prefix)) {
          best = { entry, prefix: own.network.prefixLength };
        }
      }
    }
    return best?.entry;
  }

  /** The first address of an interface (ping's default source). */
  primaryAddress(entry: DataPlaneInterface): number | undefined {
    return entry.addresses[0]?.address;
  }
}

export function interfaceView(entry: DataPlaneInterface, counters: InterfaceCounters | undefined): InterfaceView {
  return {
    name: entry.name,
    index: entry.number,
    kind: entry.kind,
    addresses: entry.addresses.map((address) => `${address.text}/${address.network.prefixLength}`),
    packetsIn: counters?.packetsIn ?? 0,
    packetsOut: counters?.packetsOut ?? 0,
    bytesIn: counters?.bytesIn ?? 0,
    bytesOut: counters?.bytesOut ?? 0,
    drops: counters?.drops ?? 0,
  };
}
