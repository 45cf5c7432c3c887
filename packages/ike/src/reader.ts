/**
 * A bounds-checked cursor over a byte range. Every read checks first and
 * throws `IkeParseError('truncated')`; a length-prefixed structure is decoded
 * from `child(length)`, a reader over exactly its bytes, so a decoder that
 * reads too much fails loudly instead of eating its neighbour, and one that
 * reads too little is caught by `expectEnd()`.
 *
 * The reader also carries the decoding context that errors need (payload
 * type, whether we are inside decrypted content) and whether verify-tier
 * checks are enabled (`check()` is a no-op when they are not).
 *
 * Byte reads return copies, so a decoded message never aliases the datagram
 * buffer (sockets reuse theirs).
 */
import {
  IkeParseError,
  IkeVerifyError,
  type IkeParseErrorCode,
  type IkeVerifyErrorCode,
} from './errors.ts';

export interface ReaderContext {
  /** Payload type the bytes belong to (for error reports and ID/TS role). */
  readonly payloadType?: number | undefined;
  /** True inside decrypted SK/SKF content (offsets are then plaintext offsets). */
  readonly inEncrypted?: boolean | undefined;
  /** Whether verify-tier checks throw (default true). */
  readonly verify?: boolean | undefined;
}

export class IkeReader {
  private readonly buf: Uint8Array;
  private pos: number;
  private readonly end: number;
  readonly payloadType: number | undefined;
  readonly inEncrypted: boolean;
  readonly verify: boolean;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, context: ReaderContext = {}) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new RangeError(`IkeReader range ${start}..${end} outside 0..${bytes.length}`);
    }
    // A Node Buffer's slice() is a view, not a copy: read through a plain Uint8Array view instead.
    this.buf = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.payloadType = context.payloadType;
    this.inEncrypted = context.inEncrypted ?? false;
    this.verify = context.verify ?? true;
  }

  /** Absolute position in the underlying buffer. */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos === this.end;
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2, 'u16');
    const p = this.pos;
    this.pos = p + 2;
    return (this.buf[p]! << 8) | this.buf[p + 1]!;
  }

  u32(): number {
    this.need(4, 'u32');
    const p = this.pos;
    this.pos = p + 4;
    return ((this.buf[p]! << 24) | (this.buf[p + 1]! << 16) | (this.buf[p + 2]! << 8) | this.buf[p + 3]!) >>> 0;
  }

  /** Next byte without consuming it. */
  peekU8(): number {
    this.need(1, 'u8');
    return this.buf[this.pos]!;
  }

  /** A copy of the next `length` bytes. */
  bytes(length: number): Uint8Array {
    this.need(length, `${length} bytes`);
    const out = this.buf.slice(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A copy of everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  skip(length: number): void {
    this.need(length, `${length} bytes`);
    this.pos += length;
  }

  /**
   * A reader over exactly the next `length` bytes, advancing this one past
   * them. `code` names the failure when the container is too short (a lying
   * length field is more precise than "truncated").
   */
  child(length: number, code: IkeParseErrorCode = 'truncated', context: ReaderContext = {}): IkeReader {
    if (length < 0 || length > this.remaining) {
      this.fail(code, `length ${length} exceeds the ${this.remaining} bytes available`);
    }
    const start = this.pos;
    this.pos += length;
    return new IkeReader(this.buf, start, start + length, {
      payloadType: context.payloadType ?? this.payloadType,
      inEncrypted: context.inEncrypted ?? this.inEncrypted,
      verify: context.verify ?? this.verify,
    });
  }

  /** Throws `code` unless every byte was consumed. */
  expectEnd(code: IkeParseErrorCode = 'trailing_bytes'): void {
    if (this.pos !== this.end) {
      this.fail(code, `${this.end - this.pos} unexpected bytes remain`);
    }
  }

  fail(code: IkeParseErrorCode, detail: string, offset = this.pos): never {
    throw new IkeParseError(code, detail, {
      offset,
      payloadType: this.payloadType,
      inEncrypted: this.inEncrypted,
    });
  }

  /** A verify-tier rule: throws only when verification is enabled. */
  check(condition: boolean, code: IkeVerifyErrorCode, detail: () => string, offset = this.pos): void {
    if (!condition && this.verify) {
      throw new IkeVerifyError(code, detail(), {
        offset,
        payloadType: this.payloadType,
        inEncrypted: this.inEncrypted,
      });
    }
  }

  private need(length: number, what: string): void {
    if (length > this.end - this.pos) {
      this.fail('truncated', `need ${what}, ${this.end - this.pos} bytes left`);
    }
  }
}
