/**
 * Traffic selectors as ranges (RFC 7296 §3.13.1): start/end address, IP
 * protocol (0 = any) and port range. Tunnel networks are CIDRs; a proposal
 * may be any range, so all comparisons here work on ranges.
 */
import {
  formatIpAddress,
  formatRange,
  networkToRange,
  parseIpAddress,
  type IpFamily,
  type IpNetwork,
} from '../config/ip-address.ts';

/** A traffic selector as exchanged in TSi/TSr (addresses as text). */
export interface TrafficSelector {
  readonly startAddress: string;
  readonly endAddress: string;
  /** IP protocol number; 0 = any. */
  readonly protocol: number;
  readonly startPort: number;
  readonly endPort: number;
}

/** The numeric form used for comparisons. */
export interface SelectorRange {
  readonly family: IpFamily;
  readonly start: bigint;
  readonly end: bigint;
  readonly protocol: number;
  readonly startPort: number;
  readonly endPort: number;
}

export const ALL_PORTS = { startPort: 0, endPort: 65_535 } as const;

export function trafficSelectorForNetwork(network: IpNetwork, protocol = 0): TrafficSelector {
  const range = networkToRange(network);
  return {
    startAddress: formatIpAddress({ family: range.family, value: range.start }),
    endAddress: formatIpAddress({ family: range.family, value: range.end }),
    protocol,
    ...ALL_PORTS,
  };
}

/** Numeric form, or a reason the selector is not usable. */
export function toSelectorRange(selector: TrafficSelector): SelectorRange | string {
  const start = parseIpAddress(selector.startAddress);
  const end = parseIpAddress(selector.endAddress);
  if (start === undefined) return `start address "${selector.startAddress}" is not an address`;
  if (end === undefined) return `end address "${selector.endAddress}" is not an address`;
  if (start.family !== end.family) return 'start and end addresses are of different families';
  if (start.value > end.value) return 'start address is above the end address';
  if (selector.startPort > selector.endPort) return 'start port is above the end port';
  return {
    family: start.family,
    start: start.value,
    end: end.value,
    protocol: selector.protocol,
    startPort: selector.startPort,
    endPort: selector.endPort,
  };
}

export function fromSelectorRange(range: SelectorRange): TrafficSelector {
  return {
    startAddress: formatIpAddress({ family: range.family, value: range.start }),
    endAddress: formatIpAddress({ family: range.family, value: range.end }),
    protocol: range.protocol,
    startPort: range.startPort,
    endPort: range.endPort,
  };
}

/** "192.168.0.0/16", "10.0.0.5-10.0.0.9 proto 17 port 500", as strongSwan writes ranges. */
export function describeSelector(selector: TrafficSelector): string {
  const range = toSelectorRange(selector);
  if (typeof range === 'string') return `${selector.startAddress}-${selector.endAddress}`;
  let text = formatRange(range);
  if (range.protocol !== 0) text += ` proto ${range.protocol}`;
  if (range.startPort !== 0 || range.endPort !== 65_535) {
    text += range.startPort === range.endPort ? ` port ${range.startPort}` : ` ports ${range.startPort}-${range.endPort}`;
  }
  return text;
}

export function selectorsEqual(a: SelectorRange, b: SelectorRange): boolean {
  return (
    a.family === b.family &&
    a.start === b.start &&
    a.end === b.end &&
    a.protocol === b.protocol &&
    a.startPort === b.startPort &&
    a.endPort === b.endPort
  );
}

/** Is `inner` equal to or inside `outer`? */
export function selectorContains(outer: SelectorRange, inner: SelectorRange): boolean {
  return (
    outer.family === inner.family &&
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    (outer.protocol === 0 || outer.protocol === inner.protocol) &&
    outer.startPort <= inner.startPort &&
    inner.endPort <= outer.endPort
  );
}

/** The common part of two selectors, or undefined if they do not overlap. */
export function intersectSelectors(a: SelectorRange, b: SelectorRange): SelectorRange | undefined {
  if (a.family !== b.family) return undefined;
  if (a.protocol !== 0 && b.protocol !== 0 && a.protocol !== b.protocol) return undefined;
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  const startPort = Math.max(a.startPort, b.startPort);
  const endPort = Math.min(a.endPort, b.endPort);
  if (start > end || startPort > endPort) return undefined;
  return { family: a.family, start, end, protocol: a.protocol === 0 ? b.protocol : a.protocol, startPort, endPort };
}
