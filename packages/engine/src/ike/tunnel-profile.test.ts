import { describe, expect, it } from 'vitest';
import type { TunnelConfig } from '@tunnelscope/api';
import { TransformType, type Transform } from '@tunnelscope/ike';
import { configuredProposals, espProposalsOf, ikeProposalsOf, proposalText } from './tunnel-profile.ts';

/** Only the fields the proposal functions read. */
function tunnelWith(ikeProposals: string[], ipsecProposals: string[]): TunnelConfig {
  return { ikeProposals, ipsecProposals } as Pick<TunnelConfig, 'ikeProposals' | 'ipsecProposals'> as TunnelConfig;
}

describe('cached tunnel proposals', () => {
  it('parses once per proposal array and answers like configuredProposals', () => {
    const tunnel = tunnelWith(['aes128gcm16-prfsha256-x25519', 'aes256-sha256-modp2048'], ['aes128gcm16-modp2048']);
    const first = ikeProposalsOf(tunnel);
    expect(ikeProposalsOf(tunnel)).toBe(first);
    expect(first).toEqual(configuredProposals(tunnel.ikeProposals, 'ike'));
    expect(espProposalsOf(tunnel, true)).toEqual(configuredProposals(tunnel.ipsecProposals, 'esp'));
  });

  it('drops DH transforms only in the withPfs=false view', () => {
    const tunnel = tunnelWith(['aes128gcm16-prfsha256-x25519'], ['aes128gcm16-modp2048']);
    expect(espProposalsOf(tunnel, false).map(proposalText)).toEqual(['ESP:aes128gcm16-noesn']);
    expect(espProposalsOf(tunnel, true)[0]!.transforms.some((t) => t.transformType === TransformType.DH)).toBe(true);
  });

  it('re-parses a proposal array edited in place and after a new config', () => {
    const tunnel = tunnelWith(['aes128gcm16-prfsha256-x25519'], ['aes128gcm16']);
    const texts = (values: string[]) => configuredProposals(values, 'ike').map(proposalText);
    expect(ikeProposalsOf(tunnel).map(proposalText)).toEqual(texts(['aes128gcm16-prfsha256-x25519']));
    tunnel.ikeProposals[0] = 'aes256-sha256-modp2048';
    expect(ikeProposalsOf(tunnel).map(proposalText)).toEqual(texts(['aes256-sha256-modp2048']));
    const replaced = tunnelWith(['aes256-sha384-ecp384'], ['aes128gcm16']);
    expect(ikeProposalsOf(replaced).map(proposalText)).toEqual(texts(['aes256-sha384-ecp384']));
    expect(texts(['aes256-sha384-ecp384'])).not.toEqual(texts(['aes256-sha256-modp2048']));
  });

  it('hands out frozen proposals, so a caller cannot corrupt later negotiations', () => {
    const tunnel = tunnelWith(['aes128gcm16-prfsha256-x25519'], ['aes128gcm16']);
    const [proposal] = ikeProposalsOf(tunnel);
    expect(() => {
      // The type already says readonly; this checks the runtime freeze behind it.
      (proposal!.transforms as Transform[]).pop();
    }).toThrow(TypeError);
    expect(ikeProposalsOf(tunnel)[0]!.transforms).toHaveLength(3);
  });
});
