import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DhGroupId, EncrId, EsnId, IntegId, PrfId, TransformType } from '../constants.ts';
import { ProposalSyntaxError } from './errors.ts';
import { PROPOSAL_KEYWORDS, formatProposal, keywordForTransform, parseProposal, parseProposalList, proposalTransforms } from './proposal-keywords.ts';
import type { ParsedProposal } from './proposal-keywords.ts';

const wire = (p: ParsedProposal) => proposalTransforms(p).map((t) => ({ type: t.type, id: t.id, keyLength: t.keyLength }));

describe('parseProposal — IKE', () => {
  it('aes128gcm16-prfsha256-x25519', () => {
    const p = parseProposal('aes128gcm16-prfsha256-x25519', 'ike');
    expect(p.aead).toBe(true);
    expect(wire(p)).toEqual([
      { type: TransformType.ENCR, id: EncrId.AES_GCM_16, keyLength: 128 },
      { type: TransformType.PRF, id: PrfId.HMAC_SHA2_256, keyLength: undefined },
      { type: TransformType.DH, id: DhGroupId.CURVE_25519, keyLength: undefined },
    ]);
    expect(proposalTransforms(p).every((t) => t.supported && !t.deprecated)).toBe(true);
    expect(p.warnings).toEqual([]);
  });

  it('integrity keywords imply the PRF (strongSwan), and with AEAD they are then dropped', () => {
    const cbc = parseProposal('aes256-sha384-ecp384', 'ike');
    expect(cbc.integrity.map((t) => t.id)).toEqual([IntegId.HMAC_SHA2_384_192]);
    expect(cbc.prf).toEqual([expect.objectContaining({ id: PrfId.HMAC_SHA2_384, keyword: 'prfsha384', implied: true })]);

    const aead = parseProposal('aes128gcm16-sha256-x25519', 'ike');
    expect(aead.integrity).toEqual([]);
    expect(aead.prf.map((t) => t.keyword)).toEqual(['prfsha256']);
    expect(aead.warnings.join(' ')).toContain('sha256');

    const explicit = parseProposal('aes128-sha1-prfsha512-modp2048', 'ike');
    expect(explicit.prf.map((t) => [t.keyword, t.implied])).toEqual([['prfsha512', undefined]]);
  });

  it('several algorithms per type; aliases map to one transform', () => {
    const p = parseProposal('aes128-aes256-sha256-sha1-modp2048-ecp256-curve25519-x25519', 'ike');
    expect(p.encryption.map((t) => t.keyword)).toEqual(['aes128', 'aes256']);
    expect(p.prf.map((t) => t.keyword)).toEqual(['prfsha256', 'prfsha1']);
    expect(p.dh.map((t) => t.keyword)).toEqual(['modp2048', 'ecp256', 'x25519']);
    expect(parseProposal('aes128gcm128-prfsha256-ecp256', 'ike').encryption).toEqual(parseProposal('aes128gcm16-prfsha256-ecp256', 'ike').encryption);
    expect(parseProposal('AES256-SHA2_256-MODP3072', 'ike').encryption[0]?.keyword).toBe('aes256');
  });

  it('chacha20poly1305 carries no key length; the compat keyword carries 256', () => {
    expect(parseProposal('chacha20poly1305-prfsha256-x25519', 'ike').encryption[0]).toMatchObject({ id: EncrId.CHACHA20_POLY1305, supported: true });
    expect(parseProposal('chacha20poly1305-prfsha256-x25519', 'ike').encryption[0]?.keyLength).toBeUndefined();
    expect(parseProposal('chacha20poly1305compat-prfsha256-x25519', 'ike').encryption[0]).toMatchObject({ keyLength: 256, supported: true });
  });

  it('keywords of unimplemented algorithms parse, marked unsupported / RFC 8247-deprecated', () => {
    const p = parseProposal('3des-md5-modp1024', 'ike');
    expect(p.encryption[0]).toMatchObject({ keyword: '3des', supported: false, deprecated: false, rfc8247: 'MAY' });
    expect(p.integrity[0]).toMatchObject({ keyword: 'md5', supported: false, deprecated: true, rfc8247: 'MUST NOT' });
    expect(p.prf[0]).toMatchObject({ keyword: 'prfmd5', implied: true, deprecated: true });
    expect(p.dh[0]).toMatchObject({ keyword: 'modp1024', supported: false, deprecated: true, rfc8247: 'SHOULD NOT' });
    expect(parseProposal('aes128ctr-aesxcbc-modp768', 'ike').encryption[0]).toMatchObject({ id: EncrId.AES_CTR, keyLength: 128, supported: false });
    expect(parseProposal('des-sha1-modp2048', 'ike').encryption[0]).toMatchObject({ deprecated: true, rfc8247: 'MUST NOT' });
    expect(parseProposal('serpent256-sha256-modp2048', 'ike').encryption[0]).toMatchObject({ id: null, keyword: 'serpent256', supported: false });
  });

  it('errors name the bad token', () => {
    const catchError = (text: string, protocol: 'ike' | 'esp' = 'ike'): ProposalSyntaxError => {
      try {
        parseProposal(text, protocol);
      } catch (error) {
        if (error instanceof ProposalSyntaxError) return error;
      }
      throw new Error(`expected ${text} to fail`);
    };
    const unknown = catchError('aes128-sha265-modp2048');
    expect(unknown.code).toBe('proposal_unknown_keyword');
    expect(unknown.token).toBe('sha265');
    expect(unknown.message).toContain('"sha265"');
    expect(catchError('aes128--modp2048').code).toBe('proposal_empty');
    expect(catchError('').code).toBe('proposal_empty');
    expect(catchError('aes128gcm16-x25519').code).toBe('proposal_missing_transform');
    expect(catchError('aes128-sha256').message).toContain('DH group');
    expect(catchError('sha256-modp2048').message).toContain('encryption');
    expect(catchError('aes128-prfsha256-modp2048').message).toContain('integrity');
    const mixed = catchError('aes128-aes128gcm16-sha256-modp2048');
    expect(mixed.code).toBe('proposal_mixed_aead');
    expect(mixed.token).toBe('aes128gcm16');
  });

  it('drops none/modpnone and ESN keywords from IKE proposals with a warning', () => {
    const p = parseProposal('aes128-sha256-modpnone-ecp256-esn', 'ike');
    expect(p.dh.map((t) => t.keyword)).toEqual(['ecp256']);
    expect(p.esn).toEqual([]);
    expect(p.warnings).toHaveLength(2);
  });
});

describe('parseProposal — ESP', () => {
  it('aes128gcm16 alone gets an implied noesn', () => {
    const p = parseProposal('aes128gcm16', 'esp');
    expect(wire(p)).toEqual([
      { type: TransformType.ENCR, id: EncrId.AES_GCM_16, keyLength: 128 },
      { type: TransformType.ESN, id: EsnId.NO_ESN, keyLength: undefined },
    ]);
    expect(p.esn[0]?.implied).toBe(true);
  });

  it('PFS groups, esn and dropped PRFs', () => {
    const p = parseProposal('aes256-sha256-modp3072-esn-prfsha256', 'esp');
    expect(p.dh.map((t) => t.id)).toEqual([DhGroupId.MODP_3072]);
    expect(p.esn.map((t) => [t.id, t.implied])).toEqual([[EsnId.ESN, undefined]]);
    expect(p.prf).toEqual([]);
    expect(p.warnings.join(' ')).toContain('prfsha256');
    expect(parseProposal('aes128-sha256-none', 'esp').dh).toEqual([expect.objectContaining({ id: DhGroupId.NONE, supported: true })]);
    expect(parseProposal('aes128', 'esp').warnings.join(' ')).toContain('confidentiality only');
  });
});

describe('formatProposal', () => {
  it('writes canonical keywords and round-trips', () => {
    const cases: Array<[string, 'ike' | 'esp', string]> = [
      ['aes128gcm16-prfsha256-x25519', 'ike', 'aes128gcm16-prfsha256-x25519'],
      ['aes128gcm128-sha256-curve25519', 'ike', 'aes128gcm16-prfsha256-x25519'],
      ['aes-sha-modp2048', 'ike', 'aes128-sha1-modp2048'],
      ['aes256-sha384-ecp384', 'ike', 'aes256-sha384-ecp384'],
      ['aes256-sha384-prfsha256-ecp384', 'ike', 'aes256-sha384-prfsha256-ecp384'],
      ['aes128gcm16', 'esp', 'aes128gcm16'],
      ['aes128-sha256-ecp256-esn', 'esp', 'aes128-sha256-ecp256-esn'],
      ['chacha20poly1305-prfsha512-x25519-ecp521', 'ike', 'chacha20poly1305-prfsha512-x25519-ecp521'],
    ];
    for (const [input, protocol, expected] of cases) {
      const formatted = formatProposal(parseProposal(input, protocol));
      expect(formatted).toBe(expected);
      expect(wire(parseProposal(formatted, protocol))).toEqual(wire(parseProposal(input, protocol)));
    }
  });

  it('property: format then parse keeps the transforms, for random valid IKE proposals', () => {
    const encr = fc.constantFrom('aes128', 'aes192', 'aes256', '3des', 'aes128ctr');
    const aeadEncr = fc.constantFrom('aes128gcm16', 'aes256gcm16', 'chacha20poly1305', 'aes128ccm8');
    const integ = fc.constantFrom('sha1', 'sha256', 'sha384', 'sha512', 'md5', 'aesxcbc');
    const prfKeyword = fc.constantFrom('prfsha1', 'prfsha256', 'prfsha384', 'prfsha512');
    const dh = fc.constantFrom('modp2048', 'modp3072', 'modp4096', 'ecp256', 'ecp384', 'ecp521', 'x25519', 'modp1024');
    const cbcProposal = fc.tuple(fc.uniqueArray(encr, { minLength: 1, maxLength: 2 }), fc.uniqueArray(integ, { minLength: 1, maxLength: 2 }), fc.uniqueArray(prfKeyword, { maxLength: 2 }), fc.uniqueArray(dh, { minLength: 1, maxLength: 3 }));
    const aeadProposal = fc.tuple(fc.uniqueArray(aeadEncr, { minLength: 1, maxLength: 2 }), fc.constant([] as string[]), fc.uniqueArray(prfKeyword, { minLength: 1, maxLength: 2 }), fc.uniqueArray(dh, { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(fc.oneof(cbcProposal, aeadProposal), ([e, i, p, d]) => {
        const text = [...e, ...i, ...p, ...d].join('-');
        const parsed = parseProposal(text, 'ike');
        expect(wire(parseProposal(formatProposal(parsed), 'ike'))).toEqual(wire(parsed));
      }),
      { numRuns: 200 },
    );
  });
});

describe('keyword table', () => {
  it('keywords are unique and lower case', () => {
    const keywords = PROPOSAL_KEYWORDS.map((k) => k.keyword);
    expect(new Set(keywords).size).toBe(keywords.length);
    expect(keywords.every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('keywordForTransform names wire transforms in strongSwan notation', () => {
    expect(keywordForTransform({ type: TransformType.ENCR, id: EncrId.AES_CBC, keyLength: 256 })).toBe('aes256');
    expect(keywordForTransform({ type: TransformType.INTEG, id: IntegId.HMAC_SHA2_256_128 })).toBe('sha256');
    expect(keywordForTransform({ type: TransformType.DH, id: DhGroupId.CURVE_25519 })).toBe('x25519');
    expect(keywordForTransform({ type: TransformType.ENCR, id: 999 })).toBeUndefined();
  });

  it('parseProposalList splits on commas', () => {
    const list = parseProposalList('aes128gcm16-prfsha256-x25519, aes256-sha256-modp2048', 'ike');
    expect(list.map(formatProposal)).toEqual(['aes128gcm16-prfsha256-x25519', 'aes256-sha256-modp2048']);
  });
});

describe('strongSwan private-use keywords', () => {
  it('camelliaxcbc implies prfcamelliaxcbc, both without IANA numbers', () => {
    const p = parseProposal('camellia128-camelliaxcbc-modp2048', 'ike');
    expect(p.prf).toEqual([expect.objectContaining({ keyword: 'prfcamelliaxcbc', id: null, implied: true, supported: false })]);
  });
});
