/**
 * Configuration payload CP (RFC 7296 §3.15) and its attributes (§3.15.1).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C| RESERVED    |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   CFG Type    |                    RESERVED                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                   Configuration Attributes                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Configuration attribute:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|         Attribute Type      |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                             Value                             ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Values are kept as bytes (an empty value asks for one in CFG_REQUEST).
 */
import { CfgType, PayloadType } from '../constants.ts';
import { IkeEncodeError } from '../errors.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface CpAttribute {
  /** 15-bit attribute type (the R bit is reserved). */
  readonly type: number;
  readonly value: Uint8Array;
}

export interface CpPayload {
  readonly type: typeof PayloadType.CP;
  readonly critical?: boolean;
  readonly cfgType: number;
  readonly attributes: readonly CpAttribute[];
}

export const cpAttributeCodec = {
  decode(reader: IkeReader): CpAttribute {
    const type = reader.u16() & 0x7fff;
    const length = reader.u16();
    return { type, value: reader.child(length, 'bad_substructure_length').rest() };
  },
  encode(attribute: CpAttribute, writer: IkeWriter): void {
    if (attribute.type < 0 || attribute.type > 0x7fff) {
      throw new IkeEncodeError('value_out_of_range', `configuration attribute type ${attribute.type} exceeds 15 bits`);
    }
    writer.u16(attribute.type, 'attribute type');
    writer.u16(attribute.value.length, 'attribute length');
    writer.bytes(attribute.value);
  },
  encodingLength(attribute: CpAttribute): number {
    return 4 + attribute.value.length;
  },
};

export function decode(reader: IkeReader): CpPayload {
  const start = reader.offset;
  const cfgType = reader.u8();
  reader.skip(3);
  const attributes: CpAttribute[] = [];
  while (!reader.atEnd) attributes.push(cpAttributeCodec.decode(reader));
  reader.check(cfgType >= CfgType.CFG_REQUEST && cfgType <= CfgType.CFG_ACK, 'cp_type', () => `CFG type ${cfgType}`, start);
  return { type: PayloadType.CP, cfgType, attributes };
}

export function encode(payload: CpPayload, writer: IkeWriter): void {
  writer.u8(payload.cfgType, 'CFG type');
  writer.zeros(3);
  for (const attribute of payload.attributes) cpAttributeCodec.encode(attribute, writer);
}

export function encodingLength(payload: CpPayload): number {
  let length = 4;
  for (const attribute of payload.attributes) length += cpAttributeCodec.encodingLength(attribute);
  return length;
}
