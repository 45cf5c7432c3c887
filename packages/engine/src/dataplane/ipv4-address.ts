/**
 * IPv4 addresses and networks as unsigned 32-bit numbers: the data plane's
 * hot paths (route lookup, rule match, flow keys) compare numbers, never
 * strings or bigints. Text appears only at the edges (config, display).
 */

/** An IPv4 network: `address` has its host bits cleared; `mask` is the netmask as a uint32. */
export interface Ipv4Network {
  readonly address: number;
  readonly prefixLength: number;
  readonly mask: number;
}

/** "192.0.2.1" -> 0xc0000201, or undefined if it is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function prefixMask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

export function makeNetwork(address: number, prefixLength: number): Ipv4Network {
  const mask = prefixMask(prefixLength);
  return { address: (address & mask) >>> 0, prefixLength, mask };
}

/** "10.0.0.0/8" or a bare address (/32); undefined for anything else (IPv6 included). */
export function parseIpv4Network(text: string): Ipv4Network | undefined {
  const slash = text.indexOf('/');
  const address = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  if (slash < 0) return makeNetwork(address, 32);
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lengthText) || Number(lengthText) > 32) return undefined;
  return makeNetwork(address, Number(lengthText));
}

export function formatIpv4Network(network: Ipv4Network): string {
  return `${formatIpv4(network.address)}/${network.prefixLength}`;
}

export function networkContains(network: Ipv4Network, address: number): boolean {
  return ((address & network.mask) >>> 0) === network.address;
}
