/**
 * Security Association payload (RFC 7296 §3.3) with its proposal (§3.3.1),
 * transform (§3.3.2) and transform attribute (§3.3.5) substructures.
 *
 * SA payload body: one or more proposals.
 *
 * Proposal substructure:
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        SPI (variable)                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        <Transforms>                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Last Substruc: 0 on the last proposal, 2 before another one.
 *
 * Transform substructure:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Transform Type |   RESERVED    |          Transform ID         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Transform Attributes                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Last Substruc: 0 on the last transform, 3 before another one.
 *
 * Transform attribute (TV when AF = 1, TLV when AF = 0):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |F|                             |    AF=1  Attribute Value      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   AF=0  Attribute Value                       |
 * |                   AF=1  Not Transmitted                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Key Length (type 14) is the only attribute RFC 7296 defines; it is TV.
 */
import { PayloadType, ProtocolId, TransformAttributeType } from '../constants.ts';
import { IkeEncodeError } from '../errors.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

const PROPOSAL_HEADER_LENGTH = 8;
const TRANSFORM_HEADER_LENGTH = 8;
const LAST = 0;
const MORE_PROPOSALS = 2;
const MORE_TRANSFORMS = 3;
const ATTRIBUTE_FORMAT_TV = 0x8000;

export type TransformAttribute =
  | { readonly format: 'tv'; readonly type: number; readonly value: number }
  | { readonly format: 'tlv'; readonly type: number; readonly value: Uint8Array };

export interface Transform {
  readonly transformType: number;
  readonly transformId: number;
  readonly attributes: readonly TransformAttribute[];
}

export interface Proposal {
  /** Proposal Num: 1.. in offers; a response keeps the number of the accepted offer. */
  readonly number: number;
  readonly protocol: number;
  /** Empty for IKE in IKE_SA_INIT, 8 bytes for IKE rekey, 4 for AH/ESP. */
  readonly spi: Uint8Array;
  readonly transforms: readonly Transform[];
}

export interface SaPayload {
  readonly type: typeof PayloadType.SA;
  readonly critical?: boolean;
  readonly proposals: readonly Proposal[];
}

/** Key Length attribute value of a transform, if present. */
export function transformKeyLength(transform: Transform): number | undefined {
  for (const attribute of transform.attributes) {
    if (attribute.type === TransformAttributeType.KEY_LENGTH && attribute.format === 'tv') return attribute.value;
  }
  return undefined;
}

/** A transform with an optional Key Length attribute. */
export function makeTransform(transformType: number, transformId: number, keyLength?: number): Transform {
  return {
    transformType,
    transformId,
    attributes: keyLength === undefined ? [] : [{ format: 'tv', type: TransformAttributeType.KEY_LENGTH, value: keyLength }],
  };
}

// --- transform attribute -------------------------------------------------

export const attributeCodec = {
  decode(reader: IkeReader): TransformAttribute {
    const start = reader.offset;
    const typeField = reader.u16();
    const type = typeField & 0x7fff;
    if (typeField & ATTRIBUTE_FORMAT_TV) {
      return { format: 'tv', type, value: reader.u16() };
    }
    const length = reader.u16();
    const value = reader.child(length, 'bad_substructure_length').rest();
    reader.check(type !== TransformAttributeType.KEY_LENGTH, 'attribute_format', () => 'Key Length attribute sent as TLV', start);
    return { format: 'tlv', type, value };
  },
  encode(attribute: TransformAttribute, writer: IkeWriter): void {
    if (attribute.type > 0x7fff || attribute.type < 0) {
      throw new IkeEncodeError('value_out_of_range', `attribute type ${attribute.type} exceeds 15 bits`);
    }
    if (attribute.format === 'tv') {
      writer.u16(ATTRIBUTE_FORMAT_TV | attribute.type, 'attribute type');
      writer.u16(attribute.value, 'attribute value');
    } else {
      writer.u16(attribute.type, 'attribute type');
      writer.u16(attribute.value.length, 'attribute length');
      writer.bytes(attribute.value);
    }
  },
  encodingLength(attribute: TransformAttribute): number {
    return attribute.format === 'tv' ? 4 : 4 + attribute.value.length;
  },
};

// --- transform -------------------------------------------------------------

/** Decodes one transform; returns it and whether another follows. */
function decodeTransform(reader: IkeReader): { transform: Transform; more: boolean } {
  const lastField = reader.u8();
  reader.skip(1);
  const length = reader.u16();
  if (length < TRANSFORM_HEADER_LENGTH) reader.fail('bad_substructure_length', `transform length ${length} < 8`);
  if (lastField !== LAST && lastField !== MORE_TRANSFORMS) {
    reader.fail('bad_last_substructure', `transform Last Substruc ${lastField}`, reader.offset - 4);
  }
  const body = reader.child(length - 4, 'bad_substructure_length');
  const transformType = body.u8();
  body.skip(1);
  const transformId = body.u16();
  const attributes: TransformAttribute[] = [];
  while (!body.atEnd) attributes.push(attributeCodec.decode(body));
  return { transform: { transformType, transformId, attributes }, more: lastField === MORE_TRANSFORMS };
}

function transformLength(transform: Transform): number {
  let length = TRANSFORM_HEADER_LENGTH;
  for (const attribute of transform.attributes) length += attributeCodec.encodingLength(attribute);
  return length;
}

function encodeTransform(transform: Transform, last: boolean, writer: IkeWriter): void {
  writer.u8(last ? LAST : MORE_TRANSFORMS);
  writer.u8(0);
  writer.u16(transformLength(transform), 'transform length');
  writer.u8(transform.transformType, 'transform type');
  writer.u8(0);
  writer.u16(transform.transformId, 'transform id');
  for (const attribute of transform.attributes) attributeCodec.encode(attribute, writer);
}

export const transformCodec = {
  decode(reader: IkeReader): Transform {
    return decodeTransform(reader).transform;
  },
  encode(transform: Transform, writer: IkeWriter): void {
    encodeTransform(transform, true, writer);
  },
  encodingLength: transformLength,
};

// --- proposal --------------------------------------------------------------

function decodeProposal(reader: IkeReader): { proposal: Proposal; more: boolean } {
  const start = reader.offset;
  const lastField = reader.u8();
  reader.skip(1);
  const length = reader.u16();
  if (length < PROPOSAL_HEADER_LENGTH) reader.fail('bad_substructure_length', `proposal length ${length} < 8`, start);
  if (lastField !== LAST && lastField !== MORE_PROPOSALS) {
    reader.fail('bad_last_substructure', `proposal Last Substruc ${lastField}`, start);
  }
  const body = reader.child(length - 4, 'bad_substructure_length');
  const number = body.u8();
  const protocol = body.u8();
  const spiSize = body.u8();
  const transformCount = body.u8();
  const spi = body.bytes(spiSize);
  const transforms: Transform[] = [];
  let more = transformCount > 0;
  while (more) {
    if (body.atEnd) body.fail('bad_last_substructure', 'transform says another follows but the proposal ends');
    const next = decodeTransform(body);
    transforms.push(next.transform);
    more = next.more;
  }
  if (!body.atEnd) {
    body.fail(transformCount === 0 ? 'transform_count_mismatch' : 'bad_last_substructure', 'bytes after the last transform');
  }
  if (transforms.length !== transformCount) {
    reader.fail('transform_count_mismatch', `Num Transforms ${transformCount}, found ${transforms.length}`, start);
  }
  reader.check(protocol >= ProtocolId.IKE && protocol <= ProtocolId.ESP, 'proposal_protocol', () => `protocol ${protocol}`, start);
  const spiOk = protocol === ProtocolId.IKE ? spiSize === 0 || spiSize === 8 : spiSize === 4;
  reader.check(spiOk, 'proposal_spi_size', () => `SPI size ${spiSize} for protocol ${protocol}`, start);
  return { proposal: { number, protocol, spi, transforms }, more: lastField === MORE_PROPOSALS };
}

function proposalLength(proposal: Proposal): number {
  let length = PROPOSAL_HEADER_LENGTH + proposal.spi.length;
  for (const transform of proposal.transforms) length += transformLength(transform);
  return length;
}

function encodeProposal(proposal: Proposal, last: boolean, writer: IkeWriter): void {
  writer.u8(last ? LAST : MORE_PROPOSALS);
  writer.u8(0);
  writer.u16(proposalLength(proposal), 'proposal length');
  writer.u8(proposal.number, 'proposal number');
  writer.u8(proposal.protocol, 'protocol id');
  writer.u8(proposal.spi.length, 'SPI size');
  writer.u8(proposal.transforms.length, 'transform count');
  writer.bytes(proposal.spi);
  proposal.transforms.forEach((transform, i) => encodeTransform(transform, i === proposal.transforms.length - 1, writer));
}

export const proposalCodec = {
  decode(reader: IkeReader): Proposal {
    return decodeProposal(reader).proposal;
  },
  encode(proposal: Proposal, writer: IkeWriter): void {
    encodeProposal(proposal, true, writer);
  },
  encodingLength: proposalLength,
};

// --- SA payload body ---------------------------------------------------------

export function decode(reader: IkeReader): SaPayload {
  const proposals: Proposal[] = [];
  let more = !reader.atEnd;
  while (more) {
    if (reader.atEnd) reader.fail('bad_last_substructure', 'proposal says another follows but the SA payload ends');
    const next = decodeProposal(reader);
    proposals.push(next.proposal);
    more = next.more;
  }
  reader.expectEnd('bad_last_substructure');
  if (proposals.length > 1) {
    proposals.forEach((proposal, i) => {
      reader.check(proposal.number === i + 1, 'proposal_numbering', () => `proposal ${i + 1} is numbered ${proposal.number}`);
    });
  }
  return { type: PayloadType.SA, proposals };
}

export function encode(payload: SaPayload, writer: IkeWriter): void {
  payload.proposals.forEach((proposal, i) => encodeProposal(proposal, i === payload.proposals.length - 1, writer));
}

export function encodingLength(payload: SaPayload): number {
  let length = 0;
  for (const proposal of payload.proposals) length += proposalLength(proposal);
  return length;
}
