import { describe, expect, it } from 'vitest';
import { CaptureParseError } from './errors.ts';
import { encodeIpUdp, internetChecksum } from './ip-udp.ts';
import { decodeCapture, readCapture, type UdpDatagram } from './read-capture.ts';
import { writePcap } from './write-pcap.ts';

// ---- builders for hand-made captures ------------------------------------

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function u16(value: number, le: boolean): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, le);
  return out;
}

function u32(value: number, le: boolean): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, le);
  return out;
}

function pad4(bytes: Uint8Array): Uint8Array {
  return concat(bytes, new Uint8Array((4 - (bytes.length % 4)) % 4));
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = pad4(body);
  const total = padded.length + 12;
  return concat(u32(type, le), u32(total, le), padded, u32(total, le));
}

function shb(le: boolean): Uint8Array {
  return block(
    0x0a0d0d0a,
    concat(u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), new Uint8Array(8).fill(0xff)),
    le,
  );
}

function option(code: number, value: Uint8Array, le: boolean): Uint8Array {
  return concat(u16(code, le), u16(value.length, le), pad4(value));
}

function idb(linkType: number, le: boolean, options: Uint8Array[] = [], snapLength = 0): Uint8Array {
  const opts = options.length ? concat(...options, u32(0, le)) : new Uint8Array(0);
  return block(1, concat(u16(linkType, le), u16(0, le), u32(snapLength, le), opts), le);
}

function epb(interfaceId: number, timestamp: bigint, frame: Uint8Array, le: boolean, originalLength = frame.length): Uint8Array {
  return block(
    6,
    concat(
      u32(interfaceId, le),
      u32(Number(timestamp >> 32n), le),
      u32(Number(timestamp & 0xffffffffn), le),
      u32(frame.length, le),
      u32(originalLength, le),
      pad4(frame),
    ),
    le,
  );
}

function spb(frame: Uint8Array, le: boolean): Uint8Array {
  return block(3, concat(u32(frame.length, le), pad4(frame)), le);
}

function pcapHeader(linkType: number, le: boolean, nano: boolean): Uint8Array {
  return concat(
    u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, le),
    u16(2, le),
    u16(4, le),
    u32(0, le),
    u32(0, le),
    u32(65535, le),
    u32(linkType, le),
  );
}

function pcapRecord(seconds: number, fraction: number, frame: Uint8Array, le: boolean, originalLength = frame.length): Uint8Array {
  return concat(u32(seconds, le), u32(fraction, le), u32(frame.length, le), u32(originalLength, le), frame);
}

const payload = (text: string): Uint8Array => new TextEncoder().encode(text);
const v4 = (port: number, text = 'hello') =>
  encodeIpUdp({ address: '127.0.0.1', port }, { address: '127.0.0.2', port: 16500 }, payload(text), 7);
const v6 = (port: number, text = 'hello6') =>
  encodeIpUdp({ address: '2001:db8::1', port }, { address: 'fe80::2', port: 16500 }, payload(text));

function ethernet(ip: Uint8Array, etherType = 0x0800, vlan = false): Uint8Array {
  const macs = new Uint8Array(12).fill(0x02);
  const tag = vlan ? concat(u16(0x8100, false), u16(42, false)) : new Uint8Array(0);
  return concat(macs, tag, u16(etherType, false), ip);
}

function sll(ip: Uint8Array, etherType = 0x0800): Uint8Array {
  return concat(u16(0, false), u16(772, false), u16(6, false), new Uint8Array(8), u16(etherType, false), ip);
}

function sll2(ip: Uint8Array, etherType = 0x86dd): Uint8Array {
  return concat(u16(etherType, false), u16(0, false), u32(1, false), u16(772, false), new Uint8Array([0, 6]), new Uint8Array(8), ip);
}

function expectParseError(bytes: Uint8Array, offset: number, message: RegExp): void {
  let caught: unknown;
  try {
    readCapture(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CaptureParseError);
  const parseError = caught as CaptureParseError;
  expect(parseError.offset).toBe(offset);
  expect(parseError.message).toMatch(message);
  expect(parseError.message).toContain(`at byte offset ${offset}`);
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

// ---- tests ----------------------------------------------------------------

describe('writePcap -> readCapture round trip', () => {
  const records: UdpDatagram[] = [
    { timestampMs: 1_700_000_000_123.456789, src: { address: '127.0.0.1', port: 15500 }, dst: { address: '127.0.0.2', port: 16500 }, payload: new Uint8Array([0, 0, 0, 0, 1, 2, 3]) },
    { timestampMs: 1_700_000_001_000, src: { address: '::1', port: 500 }, dst: { address: '2001:db8:0:0:1:0:0:1', port: 4500 }, payload: new Uint8Array([0xff]) },
    { timestampMs: 0.5, src: { address: '10.0.0.1', port: 1 }, dst: { address: '10.0.0.2', port: 65535 }, payload: new Uint8Array(0) },
    { timestampMs: 42, src: { address: '192.168.1.1', port: 4500 }, dst: { address: '192.168.1.2', port: 4500 }, payload: new Uint8Array(1401).map((_, i) => i & 0xff) },
  ];

  it('returns the same datagrams in the same order', () => {
    const file = writePcap(records);
    const contents = decodeCapture(file);
    expect(contents.format).toBe('pcap');
    expect(contents.skipped).toEqual([]);
    expect(contents.records).toHaveLength(records.length);
    contents.records.forEach((got, i) => {
      const want = records[i];
      if (!want) throw new Error('missing record');
      expect(got.frame).toBe(i + 1);
      expect(got.timestampMs).toBeCloseTo(want.timestampMs, 4);
      expect(got.src).toEqual(i === 1 ? { address: '::1', port: 500 } : want.src);
      expect(got.dst).toEqual(i === 1 ? { address: '2001:db8::1:0:0:1', port: 4500 } : want.dst);
      expect(Array.from(got.payload)).toEqual(Array.from(want.payload));
      expect(got.truncated).toBe(false);
      expect(got.linkType).toBe(101);
    });
  });

  it('writes valid IPv4 header and UDP checksums', () => {
    const file = writePcap([records[0] as UdpDatagram]);
    const ip = file.subarray(24 + 16);
    expect(internetChecksum(ip.subarray(0, 20))).toBe(0);
    const pseudo = concat(ip.subarray(12, 20), new Uint8Array([0, 17]), ip.subarray(24, 26));
    expect(internetChecksum(concat(pseudo, ip.subarray(20)))).toBe(0);
  });

  it('writes valid IPv6 UDP checksums', () => {
    const file = writePcap([records[1] as UdpDatagram]);
    const ip = file.subarray(24 + 16);
    const udpLength = ip.subarray(40).length;
    const pseudo = concat(ip.subarray(8, 40), u32(udpLength, false), new Uint8Array([0, 0, 0, 17]));
    expect(internetChecksum(concat(pseudo, ip.subarray(40)))).toBe(0);
  });

  it('refuses mixed address families and bad ports', () => {
    expect(() => writePcap([{ timestampMs: 0, src: { address: '127.0.0.1', port: 1 }, dst: { address: '::1', port: 1 }, payload: new Uint8Array(1) }])).toThrow(RangeError);
    expect(() => writePcap([{ timestampMs: 0, src: { address: '127.0.0.1', port: 70000 }, dst: { address: '127.0.0.2', port: 1 }, payload: new Uint8Array(1) }])).toThrow(RangeError);
    expect(() => writePcap([{ timestampMs: 0, src: { address: '127.0.0.256', port: 1 }, dst: { address: '127.0.0.2', port: 1 }, payload: new Uint8Array(1) }])).toThrow(RangeError);
  });
});

describe('classic pcap', () => {
  it('reads little-endian microsecond Ethernet captures, trimming Ethernet padding', () => {
    const ip = v4(15500, 'hi');
    const padded = concat(ethernet(ip), new Uint8Array(20));
    const file = concat(pcapHeader(1, true, false), pcapRecord(1000, 250_000, padded, true), pcapRecord(1001, 1, ethernet(ip, 0x0800, true), true));
    const records = readCapture(file);
    expect(records.map((r) => r.timestampMs)).toEqual([1_000_250, 1_001_000.001]);
    expect(records.map((r) => text(r.payload))).toEqual(['hi', 'hi']);
    expect(records[0]?.src).toEqual({ address: '127.0.0.1', port: 15500 });
  });

  it('reads big-endian nanosecond raw-IP captures', () => {
    const file = concat(pcapHeader(101, false, true), pcapRecord(2, 999_999_999, v6(500), false));
    const [record] = readCapture(file);
    expect(record?.timestampMs).toBeCloseTo(2999.999999, 6);
    expect(record?.src).toEqual({ address: '2001:db8::1', port: 500 });
    expect(record?.dst).toEqual({ address: 'fe80::2', port: 16500 });
    expect(record?.ipVersion).toBe(6);
  });

  it('reads LINKTYPE_NULL with the family in either byte order, and LINKTYPE_IPV4/IPV6', () => {
    const nullLe = concat(pcapHeader(0, true, false), pcapRecord(0, 0, concat(u32(2, true), v4(1)), true), pcapRecord(0, 0, concat(u32(30, false), v6(2)), true));
    expect(readCapture(nullLe).map((r) => r.src.port)).toEqual([1, 2]);
    expect(readCapture(concat(pcapHeader(228, true, false), pcapRecord(0, 0, v4(3), true)))[0]?.src.port).toBe(3);
    expect(readCapture(concat(pcapHeader(229, true, false), pcapRecord(0, 0, v6(4), true)))[0]?.src.port).toBe(4);
  });

  it('reads Linux cooked captures (SLL and SLL2)', () => {
    expect(readCapture(concat(pcapHeader(113, true, false), pcapRecord(0, 0, sll(v4(5)), true)))[0]?.src.port).toBe(5);
    expect(readCapture(concat(pcapHeader(276, true, false), pcapRecord(0, 0, sll2(v6(6)), true)))[0]?.src.port).toBe(6);
  });

  it('skips non-UDP and non-first fragments, and marks first fragments truncated', () => {
    const tcp = v4(7);
    tcp[9] = 6;
    const first = v4(8, 'fragmented-payload');
    first[6] = 0x20; // MF set, offset 0
    const cutFirst = first.subarray(0, 20 + 8 + 4);
    cutFirst[3] = cutFirst.length; // IPv4 total length of this fragment only
    const later = v4(9);
    later[6] = 0x00;
    later[7] = 0x03; // offset 24 bytes
    const arp = ethernet(new Uint8Array(28), 0x0806);
    const contents = decodeCapture(
      concat(
        pcapHeader(1, true, false),
        pcapRecord(0, 0, ethernet(tcp), true),
        pcapRecord(0, 0, ethernet(cutFirst), true),
        pcapRecord(0, 0, ethernet(later), true),
        pcapRecord(0, 0, arp, true),
      ),
    );
    expect(contents.records).toHaveLength(1);
    expect(contents.records[0]?.frame).toBe(2);
    expect(contents.records[0]?.truncated).toBe(true);
    expect(text(contents.records[0]?.payload ?? new Uint8Array())).toBe('frag');
    expect(contents.skipped.map((s) => [s.frame, s.reason])).toEqual([
      [1, 'not-udp'],
      [3, 'ip-fragment'],
      [4, 'not-ip'],
    ]);
  });

  it('marks snap-length cuts as truncated instead of failing', () => {
    const ip = v4(10, 'a long payload that gets cut');
    const file = concat(pcapHeader(101, true, false), pcapRecord(0, 0, ip.subarray(0, 32), true, ip.length), pcapRecord(0, 0, ip.subarray(0, 10), true, ip.length));
    const contents = decodeCapture(file);
    expect(contents.records[0]?.truncated).toBe(true);
    expect(text(contents.records[0]?.payload ?? new Uint8Array())).toBe('a lo');
    expect(contents.skipped[0]?.reason).toBe('truncated');
  });

  it('walks IPv6 extension headers and skips non-first IPv6 fragments', () => {
    const base = v6(11, 'ext');
    const withExt = (extensions: Uint8Array, firstNext: number): Uint8Array => {
      const out = concat(base.subarray(0, 40), extensions, base.subarray(40));
      new DataView(out.buffer).setUint16(4, out.length - 40);
      out[6] = firstNext;
      return out;
    };
    const hopByHop = new Uint8Array([44, 0, 1, 4, 0, 0, 0, 0]);
    const firstFragment = new Uint8Array([17, 0, 0x00, 0x00, 0, 0, 0, 1]);
    const laterFragment = new Uint8Array([17, 0, 0x00, 0x08, 0, 0, 0, 1]);
    const contents = decodeCapture(
      concat(
        pcapHeader(101, true, false),
        pcapRecord(0, 0, withExt(concat(hopByHop, firstFragment), 0), true),
        pcapRecord(0, 0, withExt(laterFragment, 44), true),
      ),
    );
    expect(contents.records.map((r) => text(r.payload))).toEqual(['ext']);
    expect(contents.skipped.map((s) => s.reason)).toEqual(['ip-fragment']);
  });
});

describe('pcapng', () => {
  it('reads several interfaces with their own link type and if_tsresol (little-endian)', () => {
    const le = true;
    const file = concat(
      shb(le),
      idb(1, le),
      idb(276, le, [option(9, new Uint8Array([9]), le), option(2, payload('name'), le)]),
      block(5, new Uint8Array(16), le), // an Interface Statistics Block, skipped
      epb(0, 1_700_000_000_000_123n, ethernet(v4(20)), le),
      epb(1, 1_700_000_000_000_000_001n, sll2(v6(21)), le),
      spb(ethernet(v4(22)), le),
    );
    const contents = decodeCapture(file);
    expect(contents.format).toBe('pcapng');
    expect(contents.records.map((r) => [r.frame, r.interfaceId, r.linkType, r.src.port])).toEqual([
      [1, 0, 1, 20],
      [2, 1, 276, 21],
      [3, 0, 1, 22],
    ]);
    expect(contents.records[0]?.timestampMs).toBeCloseTo(1_700_000_000_000.123, 3);
    expect(contents.records[1]?.timestampMs).toBeCloseTo(1_700_000_000_000.000001, 6);
    expect(Number.isNaN(contents.records[2]?.timestampMs)).toBe(true);
  });

  it('reads big-endian sections, binary if_tsresol, if_tsoffset, and a second section', () => {
    const le = false;
    const tsOffset = concat(u32(0, le), u32(100, le));
    const file = concat(
      shb(le),
      idb(113, le, [option(9, new Uint8Array([0x80 | 10]), le), option(14, tsOffset, le)]),
      epb(0, 2048n, sll(v4(30)), le),
      shb(true),
      idb(101, true),
      epb(0, 5n, v6(31), true),
    );
    const records = readCapture(file);
    expect(records.map((r) => r.src.port)).toEqual([30, 31]);
    expect(records[0]?.timestampMs).toBe(100_000 + 2000);
    expect(records[1]?.timestampMs).toBeCloseTo(0.005, 9);
  });

  it('honours the interface snap length for Simple Packet Blocks', () => {
    const ip = v4(40, 'simple packet block payload');
    const file = concat(shb(true), idb(101, true, [], 34), block(3, concat(u32(ip.length, true), pad4(ip.subarray(0, 34))), true));
    const [record] = readCapture(file);
    expect(record?.truncated).toBe(true);
    expect(text(record?.payload ?? new Uint8Array())).toBe('simple');
  });
});

describe('malformed captures give CaptureParseError with the offset', () => {
  it('rejects empty and unknown files', () => {
    expectParseError(new Uint8Array(0), 0, /too short for a magic/);
    expectParseError(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 0, /not a pcap or pcapng file \(magic 0x01020304\)/);
  });

  it('rejects a short pcap header, a cut record header and a record running past the end', () => {
    expectParseError(pcapHeader(1, true, false).subarray(0, 20), 0, /pcap file header: need 24 bytes/);
    const header = pcapHeader(101, true, false);
    expectParseError(concat(header, new Uint8Array(10)), 24, /pcap record header: need 16 bytes, only 10 left/);
    const ip = v4(1);
    const record = pcapRecord(0, 0, ip, true);
    expectParseError(concat(header, record.subarray(0, record.length - 1)), 32, /captured length 33 runs past the end/);
    expectParseError(concat(header, pcapRecord(0, 1_000_000, ip, true)), 28, /fraction 1000000 is not below one second/);
  });

  it('rejects bad IP and UDP headers inside complete frames', () => {
    const header = pcapHeader(101, true, false);
    const badLength = v4(1);
    badLength[3] = 200;
    expectParseError(concat(header, pcapRecord(0, 0, badLength, true)), 24 + 16 + 2, /IPv4 total length 200 exceeds the 33 captured bytes/);
    const badUdp = v4(1);
    badUdp[25] = 4;
    expectParseError(concat(header, pcapRecord(0, 0, badUdp, true)), 24 + 16 + 20 + 4, /UDP length 4 is below 8/);
    const shortIhl = v4(1);
    shortIhl[0] = 0x44;
    expectParseError(concat(header, pcapRecord(0, 0, shortIhl, true)), 40, /IPv4 header length 16 is below 20/);
    const eth = pcapHeader(1, true, false);
    expectParseError(concat(eth, pcapRecord(0, 0, new Uint8Array(10), true)), 40, /too short for the Ethernet header/);
  });

  it('rejects pcapng blocks with inconsistent lengths', () => {
    const le = true;
    const head = concat(shb(le), idb(101, le));
    const good = epb(0, 0n, v4(1), le);
    const badTrailer = good.slice();
    new DataView(badTrailer.buffer).setUint32(badTrailer.length - 4, 8, le);
    expectParseError(concat(head, badTrailer), head.length + good.length - 4, /trailing block length 8 differs/);
    const notMultiple = good.slice();
    new DataView(notMultiple.buffer).setUint32(4, good.length - 1, le);
    expectParseError(concat(head, notMultiple), head.length + 4, /not a multiple of 4/);
    expectParseError(concat(head, good.subarray(0, 20)), head.length + 4, /runs past the end of the file/);
    expectParseError(concat(head, good.subarray(0, 8)), head.length, /pcapng block header: need 12 bytes, only 8 left/);
  });

  it('rejects pcapng structure errors', () => {
    const le = true;
    expectParseError(idb(101, le), 0, /not a pcap or pcapng file \(magic 0x01000000\)/);
    const badMagic = shb(le);
    badMagic[8] = 0;
    expectParseError(badMagic, 8, /bad pcapng byte-order magic/);
    const head = concat(shb(le), idb(101, le));
    expectParseError(concat(head, epb(3, 0n, v4(1), le)), head.length + 8, /interface 3, but the section describes 1/);
    const epbBadLength = epb(0, 0n, v4(1), le);
    new DataView(epbBadLength.buffer).setUint32(20, 4000, le);
    expectParseError(concat(head, epbBadLength), head.length + 8 + 20, /EPB packet data: need 4000 bytes/);
    const shortIdb = block(1, new Uint8Array(4), le);
    expectParseError(concat(shb(le), shortIdb), 28 + 8 + 4, /IDB snap length: need 4 bytes, only 0 left/);
  });
});
