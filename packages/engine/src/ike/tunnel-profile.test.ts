import { describe, expect, it } from 'vitest';
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import { TransformType, type Transform } from '@tunnelscope/ike';
import { formatNetwork, type IpNetwork } from '../config/ip-address.ts';
import { resolveTunnelNetworks } from '../config/network-references.ts';
import {
  configuredProposals,
  espProposalsOf,
  ikeProposalsOf,
  proposalText,
  tunnelNetworksOf,
  tunnelSelectors,
  type TunnelNetworks,
} from './tunnel-profile.ts';

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

describe('cached tunnel networks', () => {
  const config = (addressBook: { name: string; networks: string[] }[]) => ({ addressBook }) as Pick<GatewayConfig, 'addressBook'>;
  const tunnel = (localNetworks: string[], remoteNetworks: string[]) => ({ localNetworks, remoteNetworks });
  const texts = (networks: TunnelNetworks) => ({ local: networks.local.map(formatNetwork), remote: networks.remote.map(formatNetwork) });

  it('resolves once per config and answers like resolveTunnelNetworks', () => {
    const gateway = config([{ name: 'branch-nets', networks: ['10.1.0.0/16', '10.2.0.0/16'] }]);
    const t = tunnel(['192.168.10.0/24'], ['branch-nets', 'all-nets-ip6']);
    const first = tunnelNetworksOf(gateway, t);
    expect(tunnelNetworksOf(gateway, t)).toBe(first);
    expect(first).toEqual(resolveTunnelNetworks(gateway, t));
    expect(texts(first)).toEqual({ local: ['192.168.10.0/24'], remote: ['10.1.0.0/16', '10.2.0.0/16', '::/0'] });
  });

  it('re-resolves a tunnel or an address book edited in place, and a new config', () => {
    const gateway = config([{ name: 'branch-nets', networks: ['10.1.0.0/16'] }]);
    const t = tunnel(['192.168.10.0/24'], ['branch-nets']);
    expect(texts(tunnelNetworksOf(gateway, t)).remote).toEqual(['10.1.0.0/16']);
    t.localNetworks[0] = '192.168.20.0/24';
    expect(texts(tunnelNetworksOf(gateway, t)).local).toEqual(['192.168.20.0/24']);
    gateway.addressBook[0]!.networks.push('10.3.0.0/16');
    expect(texts(tunnelNetworksOf(gateway, t)).remote).toEqual(['10.1.0.0/16', '10.3.0.0/16']);
    const replaced = config([{ name: 'branch-nets', networks: ['172.16.0.0/12'] }]);
    expect(texts(tunnelNetworksOf(replaced, t)).remote).toEqual(['172.16.0.0/12']);
  });

  it('hands out frozen networks and keeps tunnelSelectors fresh per call', () => {
    const gateway = config([]);
    const t = tunnel(['192.168.10.0/24'], ['10.0.0.0/8']);
    const networks = tunnelNetworksOf(gateway, t);
    expect(() => (networks.local as IpNetwork[]).pop()).toThrow(TypeError);
    expect(Object.isFrozen(networks.remote[0])).toBe(true);
    const selectors = tunnelSelectors(gateway as GatewayConfig, t as TunnelConfig);
    expect(selectors.local).toEqual([{ startAddress: '192.168.10.0', endAddress: '192.168.10.255', protocol: 0, startPort: 0, endPort: 65535 }]);
    expect(tunnelSelectors(gateway as GatewayConfig, t as TunnelConfig).local).not.toBe(selectors.local);
  });
});
