import { CaptureParseError } from './errors.ts';

/**
 * A bounds-checked window over part of a capture. Every read names its
 * position relative to the whole file (`base` + local offset) so that errors
 * point at the byte a hex editor would show.
 */
export class ByteView {
  readonly bytes: Uint8Array;
  /** Absolute file offset of `bytes[0]`. */
  readonly base: number;
  littleEndian: boolean;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, base = 0, littleEndian = false) {
    this.bytes = bytes;
    this.base = base;
    this.littleEndian = littleEndian;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless `count` bytes are available at local offset `at`. */
  need(at: number, count: number, what: string): void {
    if (at < 0 || count < 0 || at + count > this.bytes.length) {
      throw new CaptureParseError(
        this.base + at,
        `${what}: need ${count} bytes, only ${Math.max(0, this.bytes.length - at)} left`,
      );
    }
  }

  u8(at: number, what: string): number {
    this.need(at, 1, what);
    return this.view.getUint8(at);
  }

  u16(at: number, what: string): number {
    this.need(at, 2, what);
    return this.view.getUint16(at, this.littleEndian);
  }

  u32(at: number, what: string): number {
    this.need(at, 4, what);
    return this.view.getUint32(at, this.littleEndian);
  }

  /** Big-endian (network order) 16-bit read regardless of the file's byte order. */
  u16be(at: number, what: string): number {
    this.need(at, 2, what);
    return this.view.getUint16(at, false);
  }

  u32be(at: number, what: string): number {
    this.need(at, 4, what);
    return this.view.getUint32(at, false);
  }

  /** A child view over exactly `count` bytes at local offset `at`. */
  slice(at: number, count: number, what: string, littleEndian = this.littleEndian): ByteView {
    this.need(at, count, what);
    return new ByteView(this.bytes.subarray(at, at + count), this.base + at, littleEndian);
  }

  fail(at: number, what: string): never {
    throw new CaptureParseError(this.base + at, what);
  }
}
