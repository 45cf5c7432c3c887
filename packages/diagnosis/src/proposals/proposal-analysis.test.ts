import { describe, expect, it } from 'vitest';
import {
  acceptableProposalFromOffer,
  checkAddableProposal,
  listPreferringGroup,
  parseProposalTexts,
  proposalWithGroup,
  sameTransformSet,
  unmatchedTransformTypes,
} from './proposal-analysis.ts';

describe('proposal analysis', () => {
  it('names the transform types with nothing in common', () => {
    const ours = parseProposalTexts(['aes128gcm16-prfsha256-x25519'], 'ike');
    expect(unmatchedTransformTypes(parseProposalTexts(['IKE:aes256-prfsha256-sha256-modp2048'], 'ike'), ours)).toEqual(['ENCR', 'INTEG', 'DH']);
    expect(unmatchedTransformTypes(parseProposalTexts(['aes128gcm16-prfsha256-ecp256'], 'ike'), ours)).toEqual(['DH']);
    const esp = parseProposalTexts(['aes128gcm16-x25519'], 'esp');
    expect(unmatchedTransformTypes(parseProposalTexts(['ESP:aes128gcm16-noesn'], 'esp'), esp)).toEqual(['DH']);
    expect(unmatchedTransformTypes(parseProposalTexts(['ESP:aes128gcm16-noesn'], 'esp'), esp, { ignoreDh: true })).toEqual([]);
  });

  it('builds a proposal from the peer\'s offer, skipping what RFC 8247 deprecates or the engine lacks', () => {
    expect(acceptableProposalFromOffer(parseProposalTexts(['IKE:aes256-prfsha256-sha256-modp2048'], 'ike'), 'ike')).toBe('aes256-sha256-modp2048');
    // modp1024 is SHOULD NOT, md5 MUST NOT: those offers give nothing; the sound one after them is taken.
    const offer = parseProposalTexts(['aes128-sha1-modp1024', 'aes128-md5-modp2048', 'aes128gcm16-prfsha384-ecp384'], 'ike');
    expect(offer).toHaveLength(3);
    expect(acceptableProposalFromOffer(offer, 'ike')).toBe('aes128gcm16-prfsha384-ecp384');
    expect(acceptableProposalFromOffer(parseProposalTexts(['aes128-sha1-modp1024', 'des-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
    // ESP offered in IKE_AUTH carries no DH: our PFS group is kept.
    expect(acceptableProposalFromOffer(parseProposalTexts(['ESP:aes256-sha256-noesn'], 'esp'), 'esp', { pfsGroup: 'x25519' })).toBe('aes256-sha256-x25519');
  });

  it('checks a proposal before it may be added', () => {
    expect(checkAddableProposal('aes128-sha256-modp2048', 'ike')).toEqual({ ok: true, canonical: 'aes128-sha256-modp2048' });
    expect(checkAddableProposal('aes128-sha256-modp1024', 'ike')).toMatchObject({ ok: false, reason: expect.stringMatching(/RFC 8247/) });
    expect(checkAddableProposal('aes128-md5-modp2048', 'ike')).toMatchObject({ ok: false, reason: expect.stringMatching(/md5.*RFC 8247: MUST NOT/) });
    expect(checkAddableProposal('camellia128-sha256-modp2048', 'ike')).toMatchObject({ ok: false, reason: expect.stringMatching(/does not implement/) });
    expect(checkAddableProposal('nonsense', 'ike')).toMatchObject({ ok: false });
  });

  it('replaces the DH group of our proposal and reorders lists without changing transforms', () => {
    expect(proposalWithGroup('aes128gcm16-prfsha256-x25519', 'ike', 'modp2048')).toBe('aes128gcm16-prfsha256-modp2048');
    expect(proposalWithGroup('aes128gcm16-prfsha256-x25519', 'ike', 'modp1024')).toBeUndefined();
    const list = listPreferringGroup(['aes256-sha256-modp2048', 'aes128gcm16-prfsha256-x25519-ecp256'], 'ike', 'ecp256')!;
    expect(list).toEqual(['aes128gcm16-prfsha256-ecp256-x25519', 'aes256-sha256-modp2048']);
    expect(sameTransformSet(list[0]!, 'aes128gcm16-prfsha256-x25519-ecp256', 'ike')).toBe(true);
  });
});
