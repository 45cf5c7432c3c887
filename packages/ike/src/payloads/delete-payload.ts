/**
 * Delete payload D (RFC 7296 §3.11).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~               Security Parameter Index(es) (SPI)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Deleting the IKE SA: protocol IKE, SPI size 0, no SPIs (the header's
 * SPIs name it). Deleting Child SAs: AH/ESP, SPI size 4, one SPI per SA,
 * each the SPI the sender expects on its inbound SA.
 */
import { PayloadType, ProtocolId } from '../constants.ts';
import { IkeEncodeError } from '../errors.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface DeletePayload {
  readonly type: typeof PayloadType.DELETE;
  readonly critical?: boolean;
  readonly protocol: number;
  /** Kept explicitly: an empty SPI list still states its size on the wire. */
  readonly spiSize: number;
  readonly spis: readonly Uint8Array[];
}

export function decode(reader: IkeReader): DeletePayload {
  const start = reader.offset;
  const protocol = reader.u8();
  const spiSize = reader.u8();
  const count = reader.u16();
  if (count * spiSize !== reader.remaining) {
    reader.fail('spi_count_mismatch', `${count} SPIs of ${spiSize} octets in ${reader.remaining} octets`);
  }
  const spis: Uint8Array[] = [];
  for (let i = 0; i < count; i++) spis.push(reader.bytes(spiSize));
  const sizeOk = protocol === ProtocolId.IKE
    ? spiSize === 0 && count === 0
    : (protocol === ProtocolId.AH || protocol === ProtocolId.ESP) && spiSize === 4;
  reader.check(sizeOk, 'delete_spi_size', () => `protocol ${protocol}, SPI size ${spiSize}, ${count} SPIs`, start);
  return { type: PayloadType.DELETE, protocol, spiSize, spis };
}

export function encode(payload: DeletePayload, writer: IkeWriter): void {
  writer.u8(payload.protocol, 'protocol id');
  writer.u8(payload.spiSize, 'SPI size');
  writer.u16(payload.spis.length, 'SPI count');
  for (const spi of payload.spis) {
    if (spi.length !== payload.spiSize) {
      throw new IkeEncodeError('invalid_value', `SPI of ${spi.length} octets in a Delete of SPI size ${payload.spiSize}`);
    }
    writer.bytes(spi);
  }
}

export function encodingLength(payload: DeletePayload): number {
  return 4 + payload.spiSize * payload.spis.length;
}
