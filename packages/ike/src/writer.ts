/**
 * A bounds- and range-checked byte writer. Encoders write at the writer's
 * position, which may start anywhere in a larger buffer (the round-trip
 * tests encode at an offset to prove encoders never assume offset 0).
 * Length fields known only after the body is written are reserved and
 * patched (`patchU16`), though most encoders compute lengths up front with
 * `encodingLength`.
 */
import { IkeEncodeError } from './errors.ts';

export class IkeWriter {
  readonly buffer: Uint8Array;
  private pos: number;

  constructor(buffer: Uint8Array, offset = 0) {
    if (offset < 0 || offset > buffer.length) {
      throw new IkeEncodeError('buffer_too_small', `offset ${offset} outside buffer of ${buffer.length}`);
    }
    this.buffer = buffer;
    this.pos = offset;
  }

  get position(): number {
    return this.pos;
  }

  u8(value: number, field = 'u8'): void {
    checkRange(value, 0xff, field, this.pos);
    this.need(1);
    this.buffer[this.pos++] = value;
  }

  u16(value: number, field = 'u16'): void {
    checkRange(value, 0xffff, field, this.pos);
    this.need(2);
    this.buffer[this.pos++] = value >>> 8;
    this.buffer[this.pos++] = value & 0xff;
  }

  u32(value: number, field = 'u32'): void {
    checkRange(value, 0xffffffff, field, this.pos);
    this.need(4);
    this.buffer[this.pos++] = value >>> 24;
    this.buffer[this.pos++] = (value >>> 16) & 0xff;
    this.buffer[this.pos++] = (value >>> 8) & 0xff;
    this.buffer[this.pos++] = value & 0xff;
  }

  bytes(data: Uint8Array): void {
    this.need(data.length);
    this.buffer.set(data, this.pos);
    this.pos += data.length;
  }

  zeros(count: number): void {
    this.need(count);
    this.buffer.fill(0, this.pos, this.pos + count);
    this.pos += count;
  }

  patchU8(at: number, value: number, field = 'u8'): void {
    checkRange(value, 0xff, field, at);
    this.buffer[at] = value;
  }

  patchU16(at: number, value: number, field = 'u16'): void {
    checkRange(value, 0xffff, field, at);
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value & 0xff;
  }

  patchU32(at: number, value: number, field = 'u32'): void {
    checkRange(value, 0xffffffff, field, at);
    this.buffer[at] = value >>> 24;
    this.buffer[at + 1] = (value >>> 16) & 0xff;
    this.buffer[at + 2] = (value >>> 8) & 0xff;
    this.buffer[at + 3] = value & 0xff;
  }

  private need(count: number): void {
    if (this.pos + count > this.buffer.length) {
      throw new IkeEncodeError(
        'buffer_too_small',
        `need ${count} bytes at ${this.pos}, buffer is ${this.buffer.length}`,
        { offset: this.pos },
      );
    }
  }
}

function checkRange(value: number, max: number, field: string, offset: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new IkeEncodeError('value_out_of_range', `${field} = ${value} is not an integer in 0..${max}`, { offset });
  }
}

/** Encodes with a codec into a fresh buffer of exactly `encodingLength` bytes. */
export function encodeToBytes<T>(
  codec: { encode(value: T, writer: IkeWriter): void; encodingLength(value: T): number },
  value: T,
): Uint8Array {
  const out = new Uint8Array(codec.encodingLength(value));
  const writer = new IkeWriter(out);
  codec.encode(value, writer);
  if (writer.position !== out.length) {
    throw new IkeEncodeError('invalid_value', `encoder wrote ${writer.position} bytes, encodingLength said ${out.length}`);
  }
  return out;
}
