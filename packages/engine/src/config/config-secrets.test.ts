import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate-config.ts';
import { mergeSecrets, redactConfig } from './config-secrets.ts';
import type { GatewayConfig } from '@tunnelscope/api';

const input = {
  tunnels: [
    {
      name: 'hq',
      localNetworks: ['192.168.10.0/24'],
      remoteNetworks: ['10.10.10.0/24'],
      localEndpoint: '172.22.53.18',
      remoteEndpoint: '172.22.53.23',
      auth: { method: 'psk', psk: { type: 'hex', value: '00112233' } },
      ikeProposals: ['aes128gcm16-prfsha256-x25519'],
      ipsecProposals: ['aes128gcm16'],
      ikeVersion: 1,
      xauth: 'XAuthPSK',
      xauthPassword: 'xauth-secret',
    },
  ],
};

function running(): GatewayConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

describe('redactConfig', () => {
  it('replaces every secret with a marker and leaves the config itself untouched', () => {
    const config = running();
    const redacted = redactConfig(config);
    expect(redacted.tunnels[0]?.auth).toEqual({ method: 'psk', psk: { type: 'hex', value: { set: true } } });
    expect(redacted.tunnels[0]?.xauthPassword).toEqual({ set: true });
    expect(JSON.stringify(redacted)).not.toContain('00112233');
    expect(JSON.stringify(redacted)).not.toContain('xauth-secret');
    expect(config.tunnels[0]?.xauthPassword).toBe('xauth-secret');
  });

  it('marks unset secrets as { set: false }', () => {
    const result = validateConfig({ tunnels: [{ ...input.tunnels[0], xauthPassword: undefined }] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(redactConfig(result.config).tunnels[0]?.xauthPassword).toEqual({ set: false });
  });
});

describe('mergeSecrets', () => {
  it('lets a client send back the redacted config unchanged', () => {
    const config = running();
    const resubmitted = mergeSecrets(redactConfig(config), config);
    const result = validateConfig(resubmitted);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config).toEqual(config);
  });

  it('accepts its own { set: false } for an unset secret (redact, then submit unchanged)', () => {
    const withoutXauth = validateConfig({ tunnels: [{ ...input.tunnels[0]!, ikeVersion: 2, xauth: 'off', xauthPassword: '' }] });
    if (!withoutXauth.ok) throw new Error(JSON.stringify(withoutXauth.errors));
    const redacted = redactConfig(withoutXauth.config);
    expect(redacted.tunnels[0]!.xauthPassword).toEqual({ set: false });
    const merged = mergeSecrets(redacted, withoutXauth.config);
    const result = validateConfig(merged);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.tunnels[0]!.xauthPassword).toBe('');
      expect(result.config.tunnels[0]!.auth).toEqual(withoutXauth.config.tunnels[0]!.auth);
    }
  });

  it('turns { set: false } for a PSK into an empty key, which validation refuses by field', () => {
    const redacted = redactConfig(running()) as unknown as { tunnels: Array<{ auth: { psk: { value: unknown } } }> };
    redacted.tunnels[0]!.auth.psk.value = { set: false };
    const result = validateConfig(mergeSecrets(redacted, running()));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain('tunnels[0].auth.psk.value');
  });

  it('keeps a newly sent secret and does not modify its input', () => {
    const config = running();
    const edited = structuredClone(redactConfig(config)) as unknown as { tunnels: { auth: { psk: { value: unknown } } }[] };
    const first = edited.tunnels[0];
    if (first === undefined) throw new Error('no tunnel');
    first.auth.psk.value = 'aabbccdd';
    const merged = mergeSecrets(edited, config) as typeof edited;
    expect(merged.tunnels[0]?.auth.psk.value).toBe('aabbccdd');
    expect(first.auth.psk.value).toBe('aabbccdd');
    const markerOnly = redactConfig(config);
    mergeSecrets(markerOnly, config);
    expect(markerOnly.tunnels[0]?.xauthPassword).toEqual({ set: true });
  });

  it('cannot keep a secret of a renamed tunnel: validation names the field', () => {
    const config = running();
    const renamed = redactConfig(config);
    const tunnel = renamed.tunnels[0];
    if (tunnel === undefined) throw new Error('no tunnel');
    tunnel.name = 'hq2';
    const result = validateConfig(mergeSecrets(renamed, config));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((issue) => issue.path)).toEqual(['tunnels[0].auth.psk.value', 'tunnels[0].xauthPassword']);
    }
  });

  it('passes anything that is not a config through', () => {
    const config = running();
    expect(mergeSecrets(42, config)).toBe(42);
    expect(mergeSecrets({ tunnels: 'x' }, config)).toEqual({ tunnels: 'x' });
  });
});
