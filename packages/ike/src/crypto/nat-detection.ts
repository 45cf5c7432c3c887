/**
 * NAT detection hashes (RFC 7296 §2.23): the Notification Data of
 * NAT_DETECTION_SOURCE_IP and NAT_DETECTION_DESTINATION_IP is
 *
 *     SHA-1(SPIi | SPIr | IP address | Port)
 *
 * with the SPIs in the order of the IKE header (SPIr is all zero in the
 * IKE_SA_INIT request), the address as 4 (IPv4) or 16 (IPv6) bytes and the
 * port as 2 bytes in network order.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { toUint8Array, uint16Bytes } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** Network-order bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address string; a zone suffix (%eth0) is ignored. */
export function ipAddressBytes(address: string): Uint8Array {
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address;
  if (isIPv4(bare)) return Uint8Array.from(bare.split('.').map((part) => Number(part)));
  if (!isIPv6(bare)) throw new CryptoError('address_invalid', `"${address}" is not an IPv4 or IPv6 address`);
  let groupsText = bare;
  const tail: number[] = [];
  const lastColon = bare.lastIndexOf(':');
  const lastPart = bare.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    // Embedded IPv4 in the last 32 bits (e.g. ::ffff:192.0.2.1).
    const [a = 0, b = 0, c = 0, d = 0] = lastPart.split('.').map((part) => Number(part));
    tail.push((a << 8) | b, (c << 8) | d);
    groupsText = bare.slice(0, lastColon + 1);
    if (!groupsText.endsWith('::')) groupsText = groupsText.slice(0, -1);
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const gap = groupsText.indexOf('::');
  const head = parse(gap === -1 ? groupsText : groupsText.slice(0, gap));
  const rest = gap === -1 ? [] : parse(groupsText.slice(gap + 2));
  const zeros = gap === -1 ? 0 : 8 - tail.length - head.length - rest.length;
  const groups = [...head, ...new Array<number>(zeros).fill(0), ...rest, ...tail];
  const out = new Uint8Array(16);
  groups.forEach((group, i) => {
    out[2 * i] = group >> 8;
    out[2 * i + 1] = group & 0xff;
  });
  return out;
}

/** Address bytes from a string, or checked raw bytes (4 or 16). */
export function addressBytes(address: string | Uint8Array): Uint8Array {
  if (typeof address === 'string') return ipAddressBytes(address);
  if (address.length !== 4 && address.length !== 16) {
    throw new CryptoError('address_invalid', `an address must be 4 or 16 bytes (got ${address.length})`);
  }
  return address;
}

/*
 * Parsed address strings, for the NAT detection hashes only (four per
 * IKE_SA_INIT, over a handful of distinct local and peer addresses). Bounded:
 * cleared when full, so a flood of distinct peers cannot grow it.
 */
const NAT_ADDRESS_CACHE_LIMIT = 1024;
const natAddressCache = new Map<string, Uint8Array>();

function natAddressBytes(address: string | Uint8Array): Uint8Array {
  if (typeof address !== 'string') return addressBytes(address);
  let bytes = natAddressCache.get(address);
  if (!bytes) {
    bytes = ipAddressBytes(address);
    if (natAddressCache.size >= NAT_ADDRESS_CACHE_LIMIT) natAddressCache.clear();
    natAddressCache.set(address, bytes);
  }
  return bytes;
}

/** SHA-1(SPIi | SPIr | IP | Port) for N(NAT_DETECTION_SOURCE_IP) / N(NAT_DETECTION_DESTINATION_IP). */
export function natDetectionHash(spiI: Uint8Array, spiR: Uint8Array, address: string | Uint8Array, port: number): Uint8Array {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new CryptoError('address_invalid', `port ${port} is outside 0..65535`);
  const ip = natAddressBytes(address);
  // One buffer, one update: each update call crosses into OpenSSL.
  const input = new Uint8Array(spiI.length + spiR.length + ip.length + 2);
  input.set(spiI, 0);
  input.set(spiR, spiI.length);
  input.set(ip, spiI.length + spiR.length);
  input.set(uint16Bytes(port), input.length - 2);
  return toUint8Array(createHash('sha1').update(input).digest());
}

