import { describe, expect, it } from 'vitest';
import { splitNonEspMarker } from './non-esp-marker.ts';

describe('splitNonEspMarker', () => {
  it('recognises a NAT-keepalive', () => {
    expect(splitNonEspMarker(new Uint8Array([0xff]))).toEqual({ kind: 'nat-keepalive' });
  });

  it('strips the non-ESP marker from IKE', () => {
    const ike = new Uint8Array(4 + 28).map((_, i) => (i < 4 ? 0 : i));
    const result = splitNonEspMarker(ike);
    expect(result.kind).toBe('ike');
    if (result.kind === 'ike') {
      expect(result.ike.length).toBe(28);
      expect(result.ike[0]).toBe(4);
    }
  });

  it('returns SPI and sequence number of ESP', () => {
    const esp = new Uint8Array([0xc0, 0x01, 0x02, 0x03, 0, 0, 0, 9, 0xaa]);
    expect(splitNonEspMarker(esp)).toEqual({ kind: 'esp', spi: 0xc0010203, sequence: 9, esp });
  });

  it('calls short or impossible payloads malformed', () => {
    expect(splitNonEspMarker(new Uint8Array(0)).kind).toBe('malformed');
    expect(splitNonEspMarker(new Uint8Array([0xfe])).kind).toBe('malformed');
    expect(splitNonEspMarker(new Uint8Array([0, 0, 0, 0, 1])).kind).toBe('malformed');
    expect(splitNonEspMarker(new Uint8Array([1, 0, 0, 0, 1])).kind).toBe('malformed');
  });
});
