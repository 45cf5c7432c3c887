/**
 * Link-layer headers in front of the IP packet, by pcap LINKTYPE_* value
 * (https://www.tcpdump.org/linktypes.html). Only what a capture of IKE
 * traffic is likely to use.
 */
import type { ByteView } from './byte-view.ts';
import { decodeIpPacket, type IpDecodeResult } from './ip-udp.ts';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** Link types `readCapture` understands. */
export const SUPPORTED_LINK_TYPES: readonly number[] = [
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL2,
];

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

// BSD loopback address families; IPv6 differs between the BSDs, Linux uses 10.
const AF_INET = 2;
const AF_INET6_VALUES = new Set([10, 24, 28, 30]);

/**
 * Decodes one captured frame of `linkType` down to UDP. `complete` is false
 * when the capture truncated the frame.
 */
export function decodeFrame(frame: ByteView, linkType: number, complete: boolean): IpDecodeResult {
  switch (linkType) {
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return decodeIpPacket(frame, complete);
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (frame.length < 4) return cut(complete, frame, 'loopback header');
      // LINKTYPE_NULL stores the family in the capturing host's byte order, which
      // the file does not record; accept either order.
      const networkOrder = frame.u32be(0, 'loopback family');
      const swapped =
        (((networkOrder & 0xff) << 24) | ((networkOrder & 0xff00) << 8) | ((networkOrder >>> 8) & 0xff00) | (networkOrder >>> 24)) >>> 0;
      const family =
        linkType === LINKTYPE_LOOP || isLoopbackFamily(networkOrder) ? networkOrder : swapped;
      if (!isLoopbackFamily(family)) {
        return { kind: 'skip', reason: 'not-ip', detail: `loopback address family ${family}` };
      }
      return decodeIpPacket(frame.slice(4, frame.length - 4, 'loopback payload'), complete);
    }
    case LINKTYPE_ETHERNET: {
      let at = 12;
      if (frame.length < 14) return cut(complete, frame, 'Ethernet header');
      let etherType = frame.u16be(at, 'Ethernet type');
      while (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) {
        at += 4;
        if (frame.length < at + 2) return cut(complete, frame, 'VLAN tag');
        etherType = frame.u16be(at, 'VLAN inner type');
      }
      return decodeByEtherType(frame, etherType, at + 2, complete);
    }
    case LINKTYPE_LINUX_SLL: {
      if (frame.length < 16) return cut(complete, frame, 'Linux cooked (SLL) header');
      return decodeByEtherType(frame, frame.u16be(14, 'SLL protocol'), 16, complete);
    }
    case LINKTYPE_LINUX_SLL2: {
      if (frame.length < 20) return cut(complete, frame, 'Linux cooked v2 (SLL2) header');
      return decodeByEtherType(frame, frame.u16be(0, 'SLL2 protocol'), 20, complete);
    }
    default:
      return { kind: 'skip', reason: 'unsupported-link-type', detail: `link type ${linkType}` };
  }
}

function isLoopbackFamily(family: number): boolean {
  return family === AF_INET || AF_INET6_VALUES.has(family);
}

function decodeByEtherType(frame: ByteView, etherType: number, at: number, complete: boolean): IpDecodeResult {
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) {
    return { kind: 'skip', reason: 'not-ip', detail: `ethertype 0x${etherType.toString(16).padStart(4, '0')}` };
  }
  return decodeIpPacket(frame.slice(at, frame.length - at, 'link payload'), complete);
}

function cut(complete: boolean, frame: ByteView, what: string): IpDecodeResult {
  if (!complete) return { kind: 'skip', reason: 'truncated', detail: `${what} cut by snap length` };
  return frame.fail(0, `frame of ${frame.length} bytes is too short for the ${what}`);
}
