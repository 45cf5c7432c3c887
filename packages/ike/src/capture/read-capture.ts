/**
 * Capture files -> UDP datagrams.
 *
 * Classic pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html):
 *   file header (24 bytes): magic, version 2.4, thiszone, sigfigs, snaplen, linktype
 *   then per packet: ts_sec, ts_usec|ts_nsec, incl_len, orig_len, data[incl_len]
 *   The magic 0xa1b2c3d4 (microseconds) or 0xa1b23c4d (nanoseconds), read in
 *   either byte order, fixes the byte order of every later field.
 *
 * pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-01.html):
 *   a sequence of blocks  +------------+--------------+------ ... -+--------------+
 *                         | type (u32) | total length | body       | total length |
 *                         +------------+--------------+------ ... -+--------------+
 *   A Section Header Block (0x0A0D0D0A) with byte-order magic 0x1A2B3C4D starts
 *   each section; Interface Description Blocks (1) number the interfaces of the
 *   section from 0; Enhanced (6), Simple (3) and obsolete (2) Packet Blocks
 *   carry frames. Other blocks are skipped.
 */
import { ByteView } from './byte-view.ts';
import type { SkipReason, UdpEndpoint } from './ip-udp.ts';
import { decodeFrame } from './link-layer.ts';

/** A UDP datagram with the time it was seen; what `writePcap` consumes. */
export interface UdpDatagram {
  /**
   * Milliseconds since the Unix epoch; may carry a fractional part (sub-ms
   * resolution). NaN for a pcapng Simple Packet Block, which carries no time.
   */
  timestampMs: number;
  src: UdpEndpoint;
  dst: UdpEndpoint;
  /** The UDP payload (for IKE on port 4500-style ports this starts with the non-ESP marker). */
  payload: Uint8Array;
}

/** A UDP datagram found in a capture. */
export interface CaptureRecord extends UdpDatagram {
  /** 1-based frame number, counting every frame in the file as Wireshark does. */
  frame: number;
  ipVersion: 4 | 6;
  /** Link type of the frame's interface. */
  linkType: number;
  /** pcapng interface id within its section; 0 for classic pcap. */
  interfaceId: number;
  /**
   * The payload is incomplete: the frame was cut by the snap length, or it was
   * the first fragment of a fragmented IP datagram (fragments are not reassembled).
   */
  truncated: boolean;
}

/** A frame that produced no record, and why. */
export interface SkippedFrame {
  frame: number;
  /** Absolute file offset of the frame's first byte. */
  offset: number;
  reason: SkipReason;
  detail: string;
}

export interface CaptureContents {
  format: 'pcap' | 'pcapng';
  records: CaptureRecord[];
  skipped: SkippedFrame[];
}

const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
const PCAP_MAGIC_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_OPB = 2;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/**
 * Reads a classic pcap or pcapng capture and returns every UDP datagram in
 * it, in file order. Non-UDP frames, non-first IP fragments and frames of
 * unsupported link types are left out (see `decodeCapture` for the list).
 * Throws CaptureParseError, naming the byte offset, when the file or a
 * header inside a frame is malformed.
 */
export function readCapture(bytes: Uint8Array): CaptureRecord[] {
  return decodeCapture(bytes).records;
}

/**
 * Like `readCapture`, and also reports the format and every frame that was
 * skipped with the reason. Throws CaptureParseError on malformed input.
 */
export function decodeCapture(bytes: Uint8Array): CaptureContents {
  const file = new ByteView(bytes);
  if (bytes.length < 4) file.fail(0, `capture too short for a magic number (${bytes.length} bytes)`);
  const magicBe = file.u32be(0, 'magic');
  if (magicBe === PCAPNG_SHB) return readPcapng(file);
  file.littleEndian = true;
  const magicLe = file.u32(0, 'magic');
  if (magicBe === PCAP_MAGIC_MICRO || magicBe === PCAP_MAGIC_NANO) {
    file.littleEndian = false;
    return readPcap(file, magicBe === PCAP_MAGIC_NANO);
  }
  if (magicLe === PCAP_MAGIC_MICRO || magicLe === PCAP_MAGIC_NANO) {
    return readPcap(file, magicLe === PCAP_MAGIC_NANO);
  }
  return file.fail(0, `not a pcap or pcapng file (magic 0x${magicBe.toString(16).padStart(8, '0')})`);
}

class Collector {
  readonly records: CaptureRecord[] = [];
  readonly skipped: SkippedFrame[] = [];
  private frameNumber = 0;

  add(frame: ByteView, linkType: number, interfaceId: number, originalLength: number, timestampMs: number): void {
    this.frameNumber++;
    const decoded = decodeFrame(frame, linkType, frame.length >= originalLength);
    if (decoded.kind === 'skip') {
      this.skipped.push({ frame: this.frameNumber, offset: frame.base, reason: decoded.reason, detail: decoded.detail });
      return;
    }
    this.records.push({
      frame: this.frameNumber,
      timestampMs,
      src: decoded.src,
      dst: decoded.dst,
      payload: decoded.payload,
      ipVersion: decoded.ipVersion,
      linkType,
      interfaceId,
      truncated: decoded.truncated,
    });
  }
}

function readPcap(file: ByteView, nanosecond: boolean): CaptureContents {
  file.need(0, 24, 'pcap file header');
  const major = file.u16(4, 'pcap major version');
  if (major !== 2) file.fail(4, `unsupported pcap major version ${major}`);
  // The upper bits of the link-type field carry FCS information (draft section 4).
  const linkType = file.u32(20, 'pcap link type') & 0x0fffffff;
  const collector = new Collector();
  let at = 24;
  while (at < file.length) {
    file.need(at, 16, 'pcap record header');
    const seconds = file.u32(at, 'pcap timestamp seconds');
    const fraction = file.u32(at + 4, 'pcap timestamp fraction');
    const capturedLength = file.u32(at + 8, 'pcap captured length');
    const originalLength = file.u32(at + 12, 'pcap original length');
    if (fraction >= (nanosecond ? 1e9 : 1e6)) {
      file.fail(at + 4, `pcap timestamp fraction ${fraction} is not below one second`);
    }
    if (capturedLength > file.length - at - 16) {
      file.fail(at + 8, `pcap captured length ${capturedLength} runs past the end of the file`);
    }
    const timestampMs = seconds * 1000 + (nanosecond ? fraction / 1e6 : fraction / 1e3);
    collector.add(file.slice(at + 16, capturedLength, 'pcap packet data'), linkType, 0, originalLength, timestampMs);
    at += 16 + capturedLength;
  }
  return { format: 'pcap', records: collector.records, skipped: collector.skipped };
}

interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second. */
  unitsPerSecond: bigint;
  offsetSeconds: bigint;
}

function readPcapng(file: ByteView): CaptureContents {
  const collector = new Collector();
  let interfaces: PcapngInterface[] = [];
  let at = 0;
  while (at < file.length) {
    file.need(at, 12, 'pcapng block header');
    let blockType = file.u32be(at, 'pcapng block type');
    if (blockType === PCAPNG_SHB) {
      file.need(at, 12, 'pcapng section header block');
      const magicBe = file.u32be(at + 8, 'pcapng byte-order magic');
      if (magicBe === PCAPNG_BYTE_ORDER_MAGIC) file.littleEndian = false;
      else if (file.slice(at + 8, 4, 'pcapng byte-order magic', true).u32(0, 'magic') === PCAPNG_BYTE_ORDER_MAGIC) {
        file.littleEndian = true;
      } else {
        file.fail(at + 8, `bad pcapng byte-order magic 0x${magicBe.toString(16).padStart(8, '0')}`);
      }
      interfaces = [];
    } else {
      blockType = file.u32(at, 'pcapng block type');
    }
    const totalLength = file.u32(at + 4, 'pcapng block total length');
    if (totalLength < 12 || totalLength % 4 !== 0) {
      file.fail(at + 4, `pcapng block total length ${totalLength} is not a multiple of 4 of at least 12`);
    }
    if (totalLength > file.length - at) {
      file.fail(at + 4, `pcapng block total length ${totalLength} runs past the end of the file`);
    }
    const trailer = file.u32(at + totalLength - 4, 'pcapng block trailing length');
    if (trailer !== totalLength) {
      file.fail(at + totalLength - 4, `pcapng trailing block length ${trailer} differs from leading ${totalLength}`);
    }
    const body = file.slice(at + 8, totalLength - 12, 'pcapng block body');
    switch (blockType) {
      case PCAPNG_SHB: {
        const major = body.u16(4, 'pcapng major version');
        if (major !== 1) body.fail(4, `unsupported pcapng major version ${major}`);
        break;
      }
      case PCAPNG_IDB:
        interfaces.push(readInterface(body));
        break;
      case PCAPNG_EPB: {
        const interfaceId = body.u32(0, 'EPB interface id');
        const iface = lookupInterface(interfaces, interfaceId, body, 0);
        const capturedLength = body.u32(12, 'EPB captured length');
        const originalLength = body.u32(16, 'EPB original length');
        const data = body.slice(20, capturedLength, 'EPB packet data');
        const timestamp = timestampMs(iface, body.u32(4, 'EPB timestamp high'), body.u32(8, 'EPB timestamp low'));
        collector.add(data, iface.linkType, interfaceId, originalLength, timestamp);
        break;
      }
      case PCAPNG_OPB: {
        const interfaceId = body.u16(0, 'packet block interface id');
        const iface = lookupInterface(interfaces, interfaceId, body, 0);
        const capturedLength = body.u32(12, 'packet block captured length');
        const originalLength = body.u32(16, 'packet block original length');
        const data = body.slice(20, capturedLength, 'packet block data');
        const timestamp = timestampMs(iface, body.u32(4, 'packet block timestamp high'), body.u32(8, 'packet block timestamp low'));
        collector.add(data, iface.linkType, interfaceId, originalLength, timestamp);
        break;
      }
      case PCAPNG_SPB: {
        const iface = lookupInterface(interfaces, 0, body, 0);
        const originalLength = body.u32(0, 'SPB original length');
        // The SPB has no captured length: it is the original length cut by the
        // interface's snap length, and the padded block body bounds it too.
        let capturedLength = originalLength;
        if (iface.snapLength !== 0) capturedLength = Math.min(capturedLength, iface.snapLength);
        if (capturedLength > body.length - 4) {
          body.fail(0, `SPB original length ${originalLength} runs past the block`);
        }
        collector.add(body.slice(4, capturedLength, 'SPB packet data'), iface.linkType, 0, originalLength, Number.NaN);
        break;
      }
      default:
        break;
    }
    at += totalLength;
  }
  return { format: 'pcapng', records: collector.records, skipped: collector.skipped };
}

function lookupInterface(interfaces: PcapngInterface[], id: number, body: ByteView, at: number): PcapngInterface {
  const iface = interfaces[id];
  if (!iface) body.fail(at, `packet refers to interface ${id}, but the section describes ${interfaces.length}`);
  return iface;
}

function readInterface(body: ByteView): PcapngInterface {
  const iface: PcapngInterface = {
    linkType: body.u16(0, 'IDB link type'),
    snapLength: body.u32(4, 'IDB snap length'),
    unitsPerSecond: 1_000_000n,
    offsetSeconds: 0n,
  };
  let at = 8;
  while (at < body.length) {
    const code = body.u16(at, 'IDB option code');
    const length = body.u16(at + 2, 'IDB option length');
    const value = body.slice(at + 4, length, 'IDB option value');
    if (code === OPT_ENDOFOPT) break;
    if (code === OPT_IF_TSRESOL) {
      if (length !== 1) body.fail(at + 2, `if_tsresol option length ${length} is not 1`);
      const resolution = value.u8(0, 'if_tsresol');
      const exponent = BigInt(resolution & 0x7f);
      iface.unitsPerSecond = resolution & 0x80 ? 2n ** exponent : 10n ** exponent;
    } else if (code === OPT_IF_TSOFFSET) {
      if (length !== 8) body.fail(at + 2, `if_tsoffset option length ${length} is not 8`);
      const high = BigInt(value.u32(value.littleEndian ? 4 : 0, 'if_tsoffset'));
      const low = BigInt(value.u32(value.littleEndian ? 0 : 4, 'if_tsoffset'));
      iface.offsetSeconds = BigInt.asIntN(64, (high << 32n) | low);
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return iface;
}

function timestampMs(iface: PcapngInterface, high: number, low: number): number {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const scaled = units * 1000n;
  const whole = scaled / iface.unitsPerSecond;
  const remainder = scaled % iface.unitsPerSecond;
  return Number(whole + iface.offsetSeconds * 1000n) + Number(remainder) / Number(iface.unitsPerSecond);
}
