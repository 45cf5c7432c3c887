import { describe, expect, it } from 'vitest';
import { isAead, parseProposal, wiresharkEncrName, wiresharkIntegName } from './ike-proposal.ts';
import { pskGatewayConf } from './psk-gateway-conf.ts';
import { renderConf } from './strongswan-conf.ts';

describe('renderConf', () => {
  it('puts every setting on its own line and quotes what needs it', () => {
    expect(
      renderConf({
        charon: { port: 15500, install_routes: false, load: ['aes', 'sha2'], plugins: { vici: { socket: 'unix:///tmp/x.vici' } } },
        secrets: { 'ike-1': { secret: 'two words "quoted"', skip: undefined } },
      }),
    ).toBe(
      [
        'charon {',
        '  port = 15500',
        '  install_routes = no',
        '  load = aes,sha2',
        '  plugins {',
        '    vici {',
        '      socket = unix:///tmp/x.vici',
        '    }',
        '  }',
        '}',
        'secrets {',
        '  ike-1 {',
        '    secret = "two words \\"quoted\\""',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('refuses keys the format cannot express', () => {
    expect(() => renderConf({ 'a b': 1 })).toThrow(/cannot express/);
  });

  it('builds a PSK gateway', () => {
    const text = renderConf(
      pskGatewayConf({
        localAddress: '127.0.0.1',
        remoteAddress: '127.0.0.2',
        remotePort: 16500,
        localId: 'side-a',
        remoteId: 'side-b',
        psk: 's3cret',
        proposals: 'aes128gcm16-sha256-x25519',
        espProposals: 'aes128gcm16',
        localTs: '192.168.10.0/24',
        remoteTs: '10.10.10.0/24',
      }),
    );
    expect(text).toContain('    remote_port = 16500\n');
    expect(text).toContain('        esp_proposals = aes128gcm16\n');
    expect(text).toContain('    secret = s3cret\n');
  });
});

describe('proposals', () => {
  it('splits strongSwan proposal strings', () => {
    expect(parseProposal('IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048')).toEqual({
      protocol: 'IKE',
      encr: 'AES_CBC',
      keySize: 256,
      integ: 'HMAC_SHA2_256_128',
      prf: 'PRF_HMAC_SHA2_256',
      dh: 'MODP_2048',
      other: [],
    });
    expect(parseProposal('ESP:AES_GCM_16_128/NO_EXT_SEQ')).toMatchObject({ encr: 'AES_GCM_16', keySize: 128, other: ['NO_EXT_SEQ'] });
    expect(parseProposal('IKE:CHACHA20_POLY1305_256/PRF_HMAC_SHA2_256/ECP_256')).toMatchObject({ encr: 'CHACHA20_POLY1305', dh: 'ECP_256' });
  });

  it('names algorithms as Wireshark 4.0 does', () => {
    expect(wiresharkEncrName('AES_GCM_16', 128)).toBe('AES-GCM-128 with 16 octet ICV [RFC5282]');
    expect(wiresharkEncrName('AES_CBC', 256)).toBe('AES-CBC-256 [RFC3602]');
    expect(wiresharkEncrName('CHACHA20_POLY1305', 256)).toBeUndefined();
    expect(wiresharkIntegName('HMAC_SHA2_256_128')).toBe('HMAC_SHA2_256_128 [RFC4868]');
    expect(wiresharkIntegName(undefined)).toBe('NONE [RFC4306]');
    expect(isAead('AES_GCM_16')).toBe(true);
    expect(isAead('AES_CBC')).toBe(false);
  });
});
