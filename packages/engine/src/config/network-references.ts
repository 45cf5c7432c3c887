/**
 * Networks in the config are written as CIDRs ("192.168.10.0/24"), bare
 * addresses (a host) or address book names ("all-nets-ip4"). This module
 * normalises the written form (clearing host bits, with a warning that says
 * what the network became — the seed's own "192.168.10.0/16" is
 * 192.168.0.0/16) and resolves names to networks.
 */
import { PREDEFINED_ADDRESS_BOOK, type AddressBookEntry, type GatewayConfig, type TunnelConfig } from '@tunnelscope/api';
import { addressBits, formatNetwork, parseCidr, parseIpAddress, type IpNetwork } from './ip-address.ts';
import type { ConfigIssueCollector } from './config-issues.ts';

/** Name -> networks, predefined entries included. */
export type AddressBookIndex = ReadonlyMap<string, readonly IpNetwork[]>;

export function looksLikeNetwork(text: string): boolean {
  return /^[\d.]+(\/.*)?$/.test(text) || text.includes(':');
}

/**
 * Canonical CIDR text of a written network, or undefined (with an error)
 * if it is not one. Host bits set: normalised, with a warning.
 */
export function normaliseCidrText(text: string, path: string, issues: ConfigIssueCollector): string | undefined {
  const parsed = parseCidr(text);
  if (parsed === undefined) {
    const slash = text.indexOf('/');
    const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
    if (address !== undefined && slash >= 0) {
      const bits = addressBits(address.family);
      issues.error(
        path,
        `"${text}": prefix length "${text.slice(slash + 1)}" is not in 0-${bits} for IPv${address.family}`,
      );
    } else {
      issues.error(path, `"${text}" is not a network (such as 192.168.10.0/24)`);
    }
    return undefined;
  }
  const canonical = formatNetwork(parsed.network);
  if (parsed.hostBitsSet) {
    issues.warn(
      path,
      `"${text}" has host bits set; normalised to ${canonical}`,
    );
  }
  return canonical;
}

export function buildAddressBookIndex(entries: readonly AddressBookEntry[]): Map<string, IpNetwork[]> {
  const index = new Map<string, IpNetwork[]>();
  for (const entry of [...PREDEFINED_ADDRESS_BOOK, ...entries]) {
    const networks: IpNetwork[] = [];
    for (const text of entry.networks) {
      const parsed = parseCidr(text);
      if (parsed !== undefined) networks.push(parsed.network);
    }
    index.set(entry.name, networks);
  }
  return index;
}

/**
 * Normalises a network reference (CIDR, bare address or address book
 * name). Names stay names; unknown names are errors.
 */
export function normaliseNetworkReference(
  text: string,
  path: string,
  addressBook: AddressBookIndex,
  issues: ConfigIssueCollector,
): string | undefined {
  if (addressBook.has(text)) return text;
  if (looksLikeNetwork(text)) return normaliseCidrText(text, path, issues);
  issues.error(path, `"${text}" is neither a network (such as 192.168.10.0/24) nor an address book name`);
  return undefined;
}

/** Networks a normalised reference stands for (empty if unknown). */
export function resolveNetworkReference(reference: string, addressBook: AddressBookIndex): IpNetwork[] {
  const named = addressBook.get(reference);
  if (named !== undefined) return [...named];
  const parsed = parseCidr(reference);
  return parsed === undefined ? [] : [parsed.network];
}

export interface ResolvedTunnelNetworks {
  readonly local: IpNetwork[];
  readonly remote: IpNetwork[];
}

/** A tunnel's local and remote networks with address book names resolved. */
export function resolveTunnelNetworks(config: Pick<GatewayConfig, 'addressBook'>, tunnel: Pick<TunnelConfig, 'localNetworks' | 'remoteNetworks'>): ResolvedTunnelNetworks {
  const addressBook = buildAddressBookIndex(config.addressBook);
  return {
    local: tunnel.localNetworks.flatMap((reference) => resolveNetworkReference(reference, addressBook)),
    remote: tunnel.remoteNetworks.flatMap((reference) => resolveNetworkReference(reference, addressBook)),
  };
}
