/** The generated swanctl.conf, line by line (the interop test loads it into a real charon). */
import { describe, expect, it } from 'vitest';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';
import { generateSwanctlConf, swanctlIdentity } from './generate-swanctl-conf.ts';

const tunnel = makeTunnel({
  name: 'hq',
  localEndpoint: '192.0.2.10',
  remoteEndpoint: '198.51.100.20',
  localNetworks: ['lan', '192.168.20.0/24'],
  remoteNetworks: ['10.10.10.0/24'],
  ikeProposals: ['aes256gcm16-prfsha384-ecp384', 'aes128-sha256-modp2048'],
  ipsecProposals: ['aes128gcm16-x25519'],
  ikeLifetimeSeconds: 28_800,
  ipsecLifetimeSeconds: 3_600,
  localId: { type: 'fqdn', value: 'hq.example.com' },
  remoteId: { type: 'ipv4', value: '198.51.100.20' },
  auth: { method: 'psk', psk: { type: 'passphrase', value: 'the "real" key' } },
});
const config = makeConfig([tunnel], { ikePort: 4510 });
config.addressBook.push({ name: 'lan', networks: ['192.168.10.0/24'] });

describe('generateSwanctlConf', () => {
  it('mirrors our tunnel: addresses, ids, networks (address book resolved), proposals, lifetimes, DPD', () => {
    const text = generateSwanctlConf(config, 'hq');
    expect(text).toContain(`connections {
  hq {
    local_addrs = 198.51.100.20
    remote_addrs = 192.0.2.10
    remote_port = 4510
    version = 2
    proposals = aes256gcm16-prfsha384-ecp384,aes128-sha256-modp2048
    rekey_time = 25920s
    over_time = 2880s
    rand_time = 1440s
    dpd_delay = 30s
    local {
      auth = psk
      id = 198.51.100.20
    }
    remote {
      auth = psk
      id = @hq.example.com
    }
    children {
      net {
        local_ts = 10.10.10.0/24
        remote_ts = 192.168.10.0/24,192.168.20.0/24
        esp_proposals = aes128gcm16-x25519
        rekey_time = 3240s
        life_time = 3600s
        rand_time = 180s
      }
    }
  }
}`);
    expect(text).toMatch(/# Note: our responder policy is strict/);
  });

  it('keeps the secret out unless asked, and writes it in strongSwan\'s syntax when asked', () => {
    const placeholder = generateSwanctlConf(config, 'hq');
    expect(placeholder).not.toContain('real');
    expect(placeholder).toContain('secret = "<pre-shared key of tunnelscope tunnel hq (Passphrase)>"');
    expect(placeholder).toMatch(/placeholder: replace it/);
    expect(generateSwanctlConf(config, 'hq', { includeSecret: true })).toContain('secret = "the \\"real\\" key"');
    const hex = makeConfig([{ ...tunnel, auth: { method: 'psk', psk: { type: 'hex', value: '0x00AABB' } } }]);
    expect(generateSwanctlConf(hex, 'hq', { includeSecret: true })).toContain('secret = 0x00AABB');
    // A passphrase strongSwan would read as hex is written as the hex of its bytes.
    const tricky = makeConfig([{ ...tunnel, auth: { method: 'psk', psk: { type: 'passphrase', value: '0xdead' } } }]);
    expect(generateSwanctlConf(tricky, 'hq', { includeSecret: true })).toContain('secret = 0x30786465616');
  });

  it('writes identities in strongSwan\'s identity syntax', () => {
    expect(swanctlIdentity({ type: 'fqdn', value: 'gw.example.com' }, '1.2.3.4')).toEqual({ id: '@gw.example.com' });
    expect(swanctlIdentity({ type: 'email', value: 'vpn@example.com' }, '1.2.3.4')).toEqual({ id: '@@vpn@example.com' });
    expect(swanctlIdentity({ type: 'keyid', value: '0xA1B2' }, '1.2.3.4')).toEqual({ id: '@#A1B2' });
    expect(swanctlIdentity({ type: 'dn', value: 'C=SE, O=Example, CN=gw' }, '1.2.3.4')).toEqual({ id: 'C=SE, O=Example, CN=gw' });
    expect(swanctlIdentity({ type: 'any', value: '' }, '1.2.3.4')).toMatchObject({ id: '1.2.3.4' });
    const keyid = makeConfig([{ ...tunnel, localId: { type: 'keyid', value: 'a1b2' } }]);
    expect(generateSwanctlConf(keyid, 'hq')).toContain('id = "@#a1b2"');
  });

  it('a roaming tunnel: the peer\'s address must be given, or %any with a note', () => {
    const roaming = makeConfig([{ ...tunnel, remoteEndpoint: 'none', remoteId: { type: 'any', value: '' } }]);
    const text = generateSwanctlConf(roaming, 'hq');
    expect(text).toContain('local_addrs = %any');
    expect(text).toMatch(/# Note: our tunnel is roaming/);
    expect(generateSwanctlConf(roaming, 'hq', { peerAddress: '203.0.113.7', peerIdentity: '@road.example.com' })).toContain('local_addrs = 203.0.113.7');
    expect(() => generateSwanctlConf(roaming, 'nope')).toThrow(/no tunnel/);
  });
});
