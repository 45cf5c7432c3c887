/**
 * UDP datagrams -> classic pcap that tshark and libpcap read.
 *
 * The file uses the nanosecond magic (0xa1b23c4d, big-endian) so fractional
 * millisecond timestamps survive a round trip, and LINKTYPE_RAW (101): each
 * frame is a bare IPv4 or IPv6 packet, so one file can mix both families.
 */
import { encodeIpUdp } from './ip-udp.ts';
import { LINKTYPE_RAW } from './link-layer.ts';
import type { UdpDatagram } from './read-capture.ts';

const PCAP_MAGIC_NANO = 0xa1b23c4d;
const SNAP_LENGTH = 262144;

/**
 * Encodes `records` as a classic pcap file, in the given order. Each payload
 * is wrapped in an IPv4 (or IPv6) + UDP header with correct lengths and
 * checksums; IPv4 identification fields count up from 1. Timestamps before
 * the epoch or non-finite ones are written as 0. Throws RangeError for bad
 * addresses/ports or an oversized payload.
 */
export function writePcap(records: readonly UdpDatagram[]): Uint8Array {
  const frames = records.map((record, index) => encodeIpUdp(record.src, record.dst, record.payload, index + 1));
  const total = 24 + frames.reduce((sum, frame) => sum + 16 + frame.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, PCAP_MAGIC_NANO);
  view.setUint16(4, 2);
  view.setUint16(6, 4);
  view.setUint32(16, SNAP_LENGTH);
  view.setUint32(20, LINKTYPE_RAW);
  let at = 24;
  frames.forEach((frame, index) => {
    const { seconds, nanoseconds } = splitTimestamp(records[index]?.timestampMs ?? 0);
    view.setUint32(at, seconds);
    view.setUint32(at + 4, nanoseconds);
    view.setUint32(at + 8, frame.length);
    view.setUint32(at + 12, frame.length);
    out.set(frame, at + 16);
    at += 16 + frame.length;
  });
  return out;
}

function splitTimestamp(timestampMs: number): { seconds: number; nanoseconds: number } {
  if (!Number.isFinite(timestampMs) || timestampMs < 0) return { seconds: 0, nanoseconds: 0 };
  let seconds = Math.floor(timestampMs / 1000);
  let nanoseconds = Math.round((timestampMs - seconds * 1000) * 1e6);
  if (nanoseconds >= 1e9) {
    seconds += 1;
    nanoseconds -= 1e9;
  }
  return { seconds: Math.min(seconds, 0xffffffff), nanoseconds };
}
