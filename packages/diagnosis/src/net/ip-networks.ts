/**
 * IP address arithmetic for diagnosis: networks as written in the config
 * (CIDR, bare address, address book name), selectors as the engine reports
 * them ("first-last" ranges), containment, overlap and sizes. IPv4 and IPv6,
 * values as bigint. Pure; nothing here knows about tunnels.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** An inclusive address range; every CIDR is one, not every range is a CIDR. */
export interface IpRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

export interface ParsedNetwork {
  readonly range: IpRange;
  readonly prefixLength: number;
  /** The text had bits set below the prefix ("192.168.10.0/16"). */
  readonly hostBitsSet: boolean;
  /** Canonical CIDR text, host bits cleared. */
  readonly canonical: string;
}

export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function maxValue(family: IpFamily): bigint {
  return (1n << BigInt(familyBits(family))) - 1n;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (piece.includes('.') && index === pieces.length - 1) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(Number.parseInt(piece, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

export function parseIpAddress(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { family: 4, value };
}

export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) {
    const v = address.value;
    return [24n, 16n, 8n, 0n].map((shift) => String((v >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((address.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (2+) of zero groups.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** A CIDR or a bare address (a host: /32 or /128). */
export function parseNetwork(text: string): ParsedNetwork | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = parseIpAddress(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (address === undefined) return undefined;
  const bits = familyBits(address.family);
  let prefixLength = bits;
  if (slash >= 0) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefixLength = Number(prefixText);
    if (prefixLength > bits) return undefined;
  }
  const hostMask = (1n << BigInt(bits - prefixLength)) - 1n;
  const first = address.value & ~hostMask & maxValue(address.family);
  const range: IpRange = { family: address.family, first, last: first | hostMask };
  return {
    range,
    prefixLength,
    hostBitsSet: (address.value & hostMask) !== 0n,
    canonical: `${formatIpAddress({ family: address.family, value: first })}/${prefixLength}`,
  };
}

/** "a-b" (as the engine describes selectors), a CIDR, or a bare address. */
export function parseRange(text: string): IpRange | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) return parseNetwork(text)?.range;
  const first = parseIpAddress(text.slice(0, dash));
  const last = parseIpAddress(text.slice(dash + 1));
  if (first === undefined || last === undefined || first.family !== last.family || first.value > last.value) return undefined;
  return { family: first.family, first: first.value, last: last.value };
}

/** The CIDR that is exactly this range, or undefined when the range is not one. */
export function rangeToCidr(range: IpRange): string | undefined {
  const size = range.last - range.first + 1n;
  if ((size & (size - 1n)) !== 0n) return undefined;
  if ((range.first & (size - 1n)) !== 0n) return undefined;
  const hostBits = size.toString(2).length - 1;
  return `${formatIpAddress({ family: range.family, value: range.first })}/${familyBits(range.family) - hostBits}`;
}

/** CIDR text when the range is one, else "first-last". */
export function describeRange(range: IpRange): string {
  return rangeToCidr(range) ?? `${formatIpAddress({ family: range.family, value: range.first })}-${formatIpAddress({ family: range.family, value: range.last })}`;
}

export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function rangesEqual(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first === b.first && a.last === b.last;
}

export function rangeSize(range: IpRange): bigint {
  return range.last - range.first + 1n;
}

/** 0.0.0.0/0 or ::/0: every address of the family. */
export function isAllNets(range: IpRange): boolean {
  return range.first === 0n && range.last === maxValue(range.family);
}

/** Does the union of `outer` contain every range of `inner`? (each inner range inside one outer range) */
export function everyRangeInside(outer: readonly IpRange[], inner: readonly IpRange[]): boolean {
  return inner.every((range) => outer.some((candidate) => rangeContains(candidate, range)));
}

export function sameRangeSet(a: readonly IpRange[], b: readonly IpRange[]): boolean {
  return a.length === b.length && a.every((range) => b.some((other) => rangesEqual(range, other)));
}
