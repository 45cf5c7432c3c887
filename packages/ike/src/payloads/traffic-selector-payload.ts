/**
 * Traffic Selector payloads TSi and TSr (RFC 7296 §3.13) and the traffic
 * selector substructure (§3.13.1).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of TSs |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       <Traffic Selectors>                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Traffic selector:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   TS Type     |IP Protocol ID*|       Selector Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Start Port*         |           End Port*           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Starting Address*                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Ending Address*                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Selector Length: 16 for TS_IPV4_ADDR_RANGE, 40 for TS_IPV6_ADDR_RANGE.
 *   * layout of the address-range types; other TS types (Fibre Channel,
 *   security labels) are kept opaque after the Selector Length.
 *
 * Start port 65535 with end port 0 is OPAQUE ports (RFC 4301), so ports are
 * not range-checked.
 */
import { PayloadType, TsType } from '../constants.ts';
import { IkeEncodeError } from '../errors.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip-address.ts';

const IPV4_SELECTOR_LENGTH = 16;
const IPV6_SELECTOR_LENGTH = 40;
const SELECTOR_HEADER_LENGTH = 4;

export interface AddressRangeSelector {
  readonly kind: 'ipv4' | 'ipv6';
  /** 0 = any protocol. */
  readonly ipProtocol: number;
  readonly startPort: number;
  readonly endPort: number;
  readonly startAddress: string;
  readonly endAddress: string;
}

export interface OpaqueSelector {
  readonly kind: 'opaque';
  readonly tsType: number;
  /** The octet after TS Type (IP Protocol ID in the address-range layout). */
  readonly ipProtocol: number;
  /** Everything after the Selector Length field. */
  readonly data: Uint8Array;
}

export type TrafficSelector = AddressRangeSelector | OpaqueSelector;

export interface TsPayload {
  readonly type: typeof PayloadType.TSi | typeof PayloadType.TSr;
  readonly critical?: boolean;
  readonly selectors: readonly TrafficSelector[];
}

export const trafficSelectorCodec = {
  decode(reader: IkeReader): TrafficSelector {
    const start = reader.offset;
    const tsType = reader.u8();
    const ipProtocol = reader.u8();
    const length = reader.u16();
    if (length < SELECTOR_HEADER_LENGTH) reader.fail('bad_substructure_length', `selector length ${length}`, start);
    const body = reader.child(length - SELECTOR_HEADER_LENGTH, 'bad_substructure_length');
    if (tsType !== TsType.IPV4_ADDR_RANGE && tsType !== TsType.IPV6_ADDR_RANGE) {
      return { kind: 'opaque', tsType, ipProtocol, data: body.rest() };
    }
    const v4 = tsType === TsType.IPV4_ADDR_RANGE;
    const expected = v4 ? IPV4_SELECTOR_LENGTH : IPV6_SELECTOR_LENGTH;
    if (length !== expected) {
      reader.fail('bad_substructure_length', `selector type ${tsType} of length ${length}, expected ${expected}`, start);
    }
    const startPort = body.u16();
    const endPort = body.u16();
    const addressLength = v4 ? 4 : 16;
    const startBytes = body.bytes(addressLength);
    const endBytes = body.bytes(addressLength);
    const format = v4 ? formatIpv4 : formatIpv6;
    return {
      kind: v4 ? 'ipv4' : 'ipv6',
      ipProtocol,
      startPort,
      endPort,
      startAddress: format(startBytes),
      endAddress: format(endBytes),
    };
  },
  encode(selector: TrafficSelector, writer: IkeWriter): void {
    if (selector.kind === 'opaque') {
      writer.u8(selector.tsType, 'TS type');
      writer.u8(selector.ipProtocol, 'IP protocol');
      writer.u16(SELECTOR_HEADER_LENGTH + selector.data.length, 'selector length');
      writer.bytes(selector.data);
      return;
    }
    const v4 = selector.kind === 'ipv4';
    const parse = v4 ? parseIpv4 : parseIpv6;
    const startBytes = parse(selector.startAddress);
    const endBytes = parse(selector.endAddress);
    if (!startBytes || !endBytes) {
      throw new IkeEncodeError('invalid_value', `bad ${selector.kind} range ${selector.startAddress}-${selector.endAddress}`);
    }
    writer.u8(v4 ? TsType.IPV4_ADDR_RANGE : TsType.IPV6_ADDR_RANGE);
    writer.u8(selector.ipProtocol, 'IP protocol');
    writer.u16(v4 ? IPV4_SELECTOR_LENGTH : IPV6_SELECTOR_LENGTH);
    writer.u16(selector.startPort, 'start port');
    writer.u16(selector.endPort, 'end port');
    writer.bytes(startBytes);
    writer.bytes(endBytes);
  },
  encodingLength(selector: TrafficSelector): number {
    if (selector.kind === 'opaque') return SELECTOR_HEADER_LENGTH + selector.data.length;
    return selector.kind === 'ipv4' ? IPV4_SELECTOR_LENGTH : IPV6_SELECTOR_LENGTH;
  },
};

export function decode(reader: IkeReader): TsPayload {
  const start = reader.offset;
  const count = reader.u8();
  reader.skip(3);
  const selectors: TrafficSelector[] = [];
  while (!reader.atEnd) selectors.push(trafficSelectorCodec.decode(reader));
  if (selectors.length !== count) {
    reader.fail('ts_count_mismatch', `Number of TSs ${count}, found ${selectors.length}`, start);
  }
  const type = reader.payloadType === PayloadType.TSr ? PayloadType.TSr : PayloadType.TSi;
  return { type, selectors };
}

export function encode(payload: TsPayload, writer: IkeWriter): void {
  writer.u8(payload.selectors.length, 'TS count');
  writer.zeros(3);
  for (const selector of payload.selectors) trafficSelectorCodec.encode(selector, writer);
}

export function encodingLength(payload: TsPayload): number {
  let length = 4;
  for (const selector of payload.selectors) length += trafficSelectorCodec.encodingLength(selector);
  return length;
}

/** A whole-range selector for a CIDR or single address, any protocol and port unless given. */
export function selectorForRange(
  startAddress: string,
  endAddress: string,
  options: { ipProtocol?: number; startPort?: number; endPort?: number } = {},
): AddressRangeSelector {
  return {
    kind: startAddress.includes(':') ? 'ipv6' : 'ipv4',
    ipProtocol: options.ipProtocol ?? 0,
    startPort: options.startPort ?? 0,
    endPort: options.endPort ?? 65535,
    startAddress,
    endAddress,
  };
}
