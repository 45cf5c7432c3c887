import { describe, expect, it } from 'vitest';
import { acceptsChosenProposal, matchProposals } from './proposal-match.ts';
import { configuredProposals, proposalText } from './tunnel-profile.ts';

const ike = (...texts: string[]) => configuredProposals(texts, 'ike');
const esp = (...texts: string[]) => configuredProposals(texts, 'esp');

describe('matchProposals', () => {
  it('picks our configured order and one transform per type', () => {
    const result = matchProposals(ike('aes256-sha256-modp2048', 'aes128gcm16-prfsha256-x25519'), ike('aes128gcm16-prfsha256-x25519', 'aes256-sha256-modp2048'));
    expect(result.ok && proposalText(result.chosen)).toBe('IKE:aes128gcm16-prfsha256-x25519');
    expect(result.ok && result.chosen.number).toBe(2);
  });

  it('prefers the KE group among common groups', () => {
    const result = matchProposals(ike('aes128gcm16-prfsha256-x25519-ecp256'), ike('aes128gcm16-prfsha256-ecp256-x25519'), { preferredDhGroup: 31 });
    expect(result.ok && proposalText(result.chosen)).toBe('IKE:aes128gcm16-prfsha256-x25519');
  });

  it('names the transform types without any common algorithm', () => {
    expect(matchProposals(ike('aes128gcm16-prfsha256-x25519'), ike('aes128gcm16-prfsha256-modp2048'))).toEqual({ ok: false, unmatchedTypes: ['DH'], combination: false });
    expect(matchProposals(esp('aes128gcm16'), esp('aes256-sha256'))).toEqual({ ok: false, unmatchedTypes: ['ENCR', 'INTEG'], combination: false });
  });

  it('reports a combination mismatch when each type matches somewhere but no pair agrees', () => {
    const result = matchProposals(ike('aes128-sha256-x25519', 'aes256-sha384-modp2048'), ike('aes128-sha384-modp2048', 'aes256-sha256-x25519'));
    expect(result).toEqual({ ok: false, unmatchedTypes: [], combination: true });
  });

  it('ignores PFS groups for the first CHILD_SA (IKE_AUTH)', () => {
    const result = matchProposals(esp('aes128gcm16'), esp('aes128gcm16-modp2048'), { ignoreDh: true });
    expect(result.ok).toBe(true);
  });

  it('requires the PFS group in CREATE_CHILD_SA', () => {
    expect(matchProposals(esp('aes128gcm16'), esp('aes128gcm16-modp2048')).ok).toBe(false);
  });
});

describe('acceptsChosenProposal', () => {
  it('accepts only one of our offers reduced to one transform per type', () => {
    const offered = ike('aes128gcm16-prfsha256-x25519-ecp256');
    const good = ike('aes128gcm16-prfsha256-ecp256');
    expect(acceptsChosenProposal(offered, good)).toBeDefined();
    expect(acceptsChosenProposal(offered, ike('aes256gcm16-prfsha256-ecp256'))).toBeUndefined();
    expect(acceptsChosenProposal(offered, [...good, ...good])).toBeUndefined();
    expect(acceptsChosenProposal(offered, ike('aes128gcm16-prfsha256-x25519-ecp256'))).toBeUndefined();
  });
});
