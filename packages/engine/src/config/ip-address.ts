/**
 * IPv4/IPv6 addresses as numbers, CIDR networks and address ranges: the
 * arithmetic under config validation (host bits, containment), tunnel
 * networks and traffic selectors. Addresses are `bigint`s so IPv4 and
 * IPv6 share one code path; text output is canonical (dotted quad; RFC
 * 5952 lower-case compressed IPv6).
 */
import { formatIpv6 } from '@tunnelscope/ike';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface IpNetwork {
  readonly family: IpFamily;
  /** The network address (host bits cleared). */
  readonly address: bigint;
  readonly prefixLength: number;
}

/** An inclusive range of addresses of one family. */
export interface IpRange {
  readonly family: IpFamily;
  readonly start: bigint;
  readonly end: bigint;
}

export function addressBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

export function parseIpv4Address(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return { family: 4, value };
}

export function parseIpv6Address(text: string): IpAddress | undefined {
  if (text.includes('%')) return undefined;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  let tail: bigint | undefined;
  let tailGroups = 0;
  if (lastColon >= 0 && body.includes('.', lastColon)) {
    const v4 = parseIpv4Address(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = v4.value;
    tailGroups = 2;
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const doubleColon = body.indexOf('::');
  if (doubleColon !== body.lastIndexOf('::')) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const values: number[] = [];
    for (const group of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      values.push(Number.parseInt(group, 16));
    }
    return values;
  };
  let groups: number[];
  if (doubleColon >= 0) {
    const head = parseGroups(body.slice(0, doubleColon));
    const rest = parseGroups(body.slice(doubleColon + 2));
    if (head === undefined || rest === undefined) return undefined;
    const missing = 8 - tailGroups - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    const all = parseGroups(body);
    if (all === undefined) return undefined;
    groups = all;
  }
  if (groups.length + tailGroups !== 8) return undefined;
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  if (tail !== undefined) value = (value << 32n) | tail;
  return { family: 6, value };
}

export function parseIpAddress(text: string): IpAddress | undefined {
  return text.includes(':') ? parseIpv6Address(text) : parseIpv4Address(text);
}

export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) {
    const v = address.value;
    return [24n, 16n, 8n, 0n].map((shift) => String((v >> shift) & 0xffn)).join('.');
  }
  // RFC 5952 text, by the codec's formatter (one implementation for config, payloads and captures).
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number((address.value >> BigInt((15 - i) * 8)) & 0xffn);
  return formatIpv6(bytes);
}

/** Canonical text of an address given as text, or undefined if it is not one. */
export function canonicalIpAddress(text: string): string | undefined {
  const address = parseIpAddress(text);
  return address === undefined ? undefined : formatIpAddress(address);
}

function hostMask(family: IpFamily, prefixLength: number): bigint {
  return (1n << BigInt(addressBits(family) - prefixLength)) - 1n;
}

export interface ParsedCidr {
  readonly network: IpNetwork;
  /** The address as written, before host bits were cleared. */
  readonly writtenAddress: IpAddress;
  readonly hostBitsSet: boolean;
}

/**
 * "192.168.10.0/16" -> network 192.168.0.0/16 with hostBitsSet. A bare
 * address is a host network (/32, /128). Undefined if not a network.
 */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (address === undefined) return undefined;
  let prefixLength = addressBits(address.family);
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
    prefixLength = Number(prefixText);
    if (prefixLength > addressBits(address.family)) return undefined;
  }
  const mask = hostMask(address.family, prefixLength);
  const networkAddress = address.value & ~mask;
  return {
    network: { family: address.family, address: networkAddress, prefixLength },
    writtenAddress: address,
    hostBitsSet: (address.value & mask) !== 0n,
  };
}

export function formatNetwork(network: IpNetwork): string {
  return `${formatIpAddress({ family: network.family, value: network.address })}/${network.prefixLength}`;
}

export function networkToRange(network: IpNetwork): IpRange {
  return {
    family: network.family,
    start: network.address,
    end: network.address | hostMask(network.family, network.prefixLength),
  };
}

export function addressToRange(address: IpAddress): IpRange {
  return { family: address.family, start: address.value, end: address.value };
}

export function rangeContainsAddress(range: IpRange, address: IpAddress): boolean {
  return range.family === address.family && range.start <= address.value && address.value <= range.end;
}

export function networkContainsAddress(network: IpNetwork, address: IpAddress): boolean {
  return rangeContainsAddress(networkToRange(network), address);
}

/** The range as a CIDR if it is exactly one, else undefined. */
export function rangeToNetwork(range: IpRange): IpNetwork | undefined {
  const size = range.end - range.start + 1n;
  if (size <= 0n || (size & (size - 1n)) !== 0n || (range.start & (size - 1n)) !== 0n) return undefined;
  let hostBits = 0;
  while (1n << BigInt(hostBits) < size) hostBits++;
  return { family: range.family, address: range.start, prefixLength: addressBits(range.family) - hostBits };
}

/** "10.0.0.0/24", or "10.0.0.5-10.0.0.9" when the range is not a CIDR. */
export function formatRange(range: IpRange): string {
  const network = rangeToNetwork(range);
  if (network !== undefined) return formatNetwork(network);
  const start = formatIpAddress({ family: range.family, value: range.start });
  const end = formatIpAddress({ family: range.family, value: range.end });
  return `${start}-${end}`;
}

/** "10.0.0.1", "10.0.0.1:500", "2001:db8::1", "[2001:db8::1]:500" -> parts, or undefined. */
export function parseAddressWithOptionalPort(text: string): { address: string; port?: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const v4WithPort = /^([\d.]+):(\d{1,5})$/.exec(text);
  const addressText = bracketed?.[1] ?? v4WithPort?.[1] ?? text;
  const portText = bracketed?.[2] ?? v4WithPort?.[2];
  const address = parseIpAddress(addressText);
  if (address === undefined) return undefined;
  if (portText === undefined) return { address: formatIpAddress(address) };
  const port = Number(portText);
  if (port > 65_535) return undefined;
  return { address: formatIpAddress(address), port };
}
