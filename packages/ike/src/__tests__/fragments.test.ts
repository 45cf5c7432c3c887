/**
 * RFC 7383 fragmentation: encode into SKF datagrams that fit, decrypt each,
 * reassemble in any order, and get the original message back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthMethod, ExchangeType, IdType, PayloadType } from '../constants.ts';
import { decodeReassembledMessage, encodeFragments, reassembleFragments, type DecryptedFragment, type ReassemblyState } from '../fragments.ts';
import { decodeMessage, type IkeMessage } from '../message.ts';
import { notify } from '../payloads/notify-payload.ts';
import { summarize } from '../summarize.ts';
import { SK_FIXTURES, arbProtectedMessage } from '../test-support/arbitraries.ts';

const fixture = SK_FIXTURES[0]!;
const sk = { suite: fixture.suite, keys: fixture.keys };

const bigAuth: IkeMessage = {
  header: { initiatorSpi: new Uint8Array(8).fill(1), responderSpi: new Uint8Array(8).fill(2), exchangeType: ExchangeType.IKE_AUTH, messageId: 1, initiator: true, response: false },
  payloads: [],
  encrypted: {
    kind: 'sk',
    state: 'decrypted',
    payloads: [
      { type: PayloadType.IDi, idType: IdType.FQDN, data: new TextEncoder().encode('side-a') },
      { type: PayloadType.CERT, encoding: 4, data: new Uint8Array(2400).fill(0x42) },
      { type: PayloadType.AUTH, method: AuthMethod.RSA_SIGNATURE, data: new Uint8Array(256).fill(7) },
      notify(16384),
    ],
  },
};

function decryptAll(datagrams: Uint8Array[], context = sk): DecryptedFragment[] {
  return datagrams.map((datagram) => {
    const message = decodeMessage(datagram, { sk: context });
    const encrypted = message.encrypted;
    if (encrypted?.kind !== 'skf' || encrypted.state !== 'decrypted') throw new Error('fragment did not decrypt');
    return encrypted;
  });
}

function reassemble(fragments: DecryptedFragment[]): { firstPayload: number; plaintext: Uint8Array } {
  let state: ReassemblyState | undefined;
  for (const fragment of fragments) {
    const step = reassembleFragments(state, fragment);
    state = step.state;
    if (step.outcome.status === 'complete') return step.outcome;
  }
  throw new Error('never completed');
}

describe('encodeFragments', () => {
  it('fits every datagram into the maximum and reassembles to the original', () => {
    for (const fixtureUnderTest of SK_FIXTURES) {
      const context = { suite: fixtureUnderTest.suite, keys: fixtureUnderTest.keys };
      for (const maxDatagramSize of [576, 1280, 1500]) {
        const datagrams = encodeFragments(bigAuth, { sk: context, maxDatagramSize, nonEspMarker: true });
        for (const datagram of datagrams) expect(datagram.length + 20 + 8 + 4).toBeLessThanOrEqual(maxDatagramSize);
        expect(datagrams.length).toBeGreaterThan(1);
        const fragments = decryptAll(datagrams, context);
        const joined = reassemble(fragments.slice().reverse());
        const message = decodeReassembledMessage(bigAuth.header, joined.firstPayload, joined.plaintext);
        expect(message).toEqual(bigAuth);
      }
    }
  });

  it('fragments summarize as EF(n/total), first fragment naming the first inner payload', () => {
    const datagrams = encodeFragments(bigAuth, { sk, maxDatagramSize: 1280 });
    const messages = datagrams.map((d) => decodeMessage(d, { sk }));
    expect(messages.map(summarize)).toEqual(datagrams.map((_, i) => `IKE_AUTH request 1 [ EF(${i + 1}/${datagrams.length}) ]`));
    expect(messages[0]!.encrypted).toMatchObject({ firstPayload: PayloadType.IDi });
    expect(messages[1]!.encrypted).toMatchObject({ firstPayload: 0 });
    expect(summarize(decodeMessage(datagrams[0]!))).toBe(`IKE_AUTH request 1 [ EF(1/${datagrams.length}) ]`);
  });

  it('IPv6 leaves less room than IPv4', () => {
    const v4 = encodeFragments(bigAuth, { sk, maxDatagramSize: 600 });
    const v6 = encodeFragments(bigAuth, { sk, maxDatagramSize: 600, ipVersion: 6 });
    expect(Math.max(...v6.map((d) => d.length))).toBeLessThan(Math.max(...v4.map((d) => d.length)));
  });

  it('refuses sizes with no room and messages without decrypted SK', () => {
    expect(() => encodeFragments(bigAuth, { sk, maxDatagramSize: 80 })).toThrow(expect.objectContaining({ code: 'fragment_too_small' }));
    expect(() => encodeFragments({ ...bigAuth, encrypted: undefined }, { sk, maxDatagramSize: 1280 })).toThrow(
      expect.objectContaining({ code: 'invalid_value' }),
    );
  });

  it('property: any protected message, any size, any arrival order', () => {
    fc.assert(
      fc.property(arbProtectedMessage, fc.integer({ min: 120, max: 1500 }), fc.integer(), (message, maxDatagramSize, seed) => {
        const datagrams = encodeFragments(message, { sk, maxDatagramSize });
        const fragments = decryptAll(datagrams);
        const order = fragments.map((f, i) => ({ f, key: (Math.imul(seed ^ i, 2654435761) >>> 0) })).sort((a, b) => a.key - b.key);
        const joined = reassemble(order.map((o) => o.f));
        const encrypted = message.encrypted!;
        expect(decodeReassembledMessage(message.header, joined.firstPayload, joined.plaintext)).toEqual({
          header: message.header,
          payloads: [],
          encrypted,
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('reassembleFragments', () => {
  const piece = (fragmentNumber: number, totalFragments: number, byte: number): DecryptedFragment => ({
    fragmentNumber,
    totalFragments,
    firstPayload: fragmentNumber === 1 ? PayloadType.NOTIFY : 0,
    plaintext: Uint8Array.of(byte, byte),
  });

  it('tells incomplete, duplicate and complete apart', () => {
    let step = reassembleFragments(undefined, piece(2, 3, 2));
    expect(step.outcome).toEqual({ status: 'incomplete', received: 1, total: 3, restarted: false });
    step = reassembleFragments(step.state, piece(2, 3, 2));
    expect(step.outcome).toEqual({ status: 'duplicate', fragmentNumber: 2 });
    step = reassembleFragments(step.state, piece(1, 3, 1));
    expect(step.outcome).toMatchObject({ status: 'incomplete', received: 2 });
    step = reassembleFragments(step.state, piece(3, 3, 3));
    expect(step.outcome).toEqual({ status: 'complete', firstPayload: PayloadType.NOTIFY, plaintext: Uint8Array.of(1, 1, 2, 2, 3, 3), total: 3 });
    expect(step.state).toBeUndefined();
  });

  it('never mutates the state it is given', () => {
    const first = reassembleFragments(undefined, piece(1, 2, 1));
    const before = first.state!.pieces.size;
    reassembleFragments(first.state, piece(2, 2, 2));
    expect(first.state!.pieces.size).toBe(before);
  });

  it('a smaller total is inconsistent and dropped; a larger one restarts (RFC 7383 §2.6)', () => {
    const start = reassembleFragments(undefined, piece(1, 3, 1));
    const smaller = reassembleFragments(start.state, piece(1, 2, 9));
    expect(smaller.outcome).toEqual({ status: 'inconsistent_total', expected: 3, got: 2 });
    expect(smaller.state).toBe(start.state);
    const larger = reassembleFragments(start.state, piece(2, 4, 2));
    expect(larger.outcome).toEqual({ status: 'incomplete', received: 1, total: 4, restarted: true });
  });

  it('rejects impossible numbers and oversize totals', () => {
    expect(reassembleFragments(undefined, piece(4, 3, 0)).outcome.status).toBe('invalid');
    expect(reassembleFragments(undefined, piece(0, 3, 0)).outcome.status).toBe('invalid');
    expect(reassembleFragments(undefined, piece(1, 100, 0)).outcome.status).toBe('invalid');
    const big: DecryptedFragment = { fragmentNumber: 1, totalFragments: 2, firstPayload: 41, plaintext: new Uint8Array(40) };
    expect(reassembleFragments(undefined, big, { maxBytes: 32 }).outcome.status).toBe('invalid');
  });
});
