/** proposeFix: every action kind, the guards (RFC 8247, all-nets), the diff, and that each fixed config passes the engine's validation. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '@tunnelscope/engine';
import type { GatewayConfig } from '@tunnelscope/api';
import type { Finding, FixAction } from '../model/finding.ts';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';
import { applyFixActions } from './apply-fix-actions.ts';
import { redactSecrets, unifiedConfigDiff } from './config-diff.ts';
import { proposeFix } from './propose-fix.ts';

const US = '192.0.2.10';
function config(): GatewayConfig {
  const c = makeConfig([
    makeTunnel({ name: 'roaming', localEndpoint: US, remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'], auth: { method: 'psk', psk: { type: 'passphrase', value: 'roaming-secret' } } }),
    makeTunnel({ name: 'branch', localEndpoint: US, remoteEndpoint: '198.51.100.20', auth: { method: 'psk', psk: { type: 'hex', value: '00112233aabbccdd' } }, xauthPassword: 'xauth-secret' }),
  ]);
  c.addressBook.push({ name: 'everything', networks: ['0.0.0.0/0'] }, { name: 'lan', networks: ['192.168.10.0/24'] });
  return c;
}

function finding(actions: FixAction[]): Pick<Finding, 'id' | 'fixes' | 'side'> {
  return { id: 'test', side: 'local', fixes: [{ id: 'only', summary: 'test', actions }] };
}

function expectValid(result: ReturnType<typeof proposeFix>): GatewayConfig {
  if (!result.ok) throw new Error(result.reason);
  const validated = validateConfig(result.newConfig);
  expect(validated.ok ? [] : validated.errors).toEqual([]);
  return result.newConfig;
}

describe('proposeFix', () => {
  it('adds the seed ICMP rule naming core (the gateway itself, never a configured interface) and the result validates', () => {
    const base = config();
    expect(base.interfaces.some((i) => i.name === 'core')).toBe(false);
    const rule = { name: '', action: 'Allow' as const, sourceInterface: 'branch', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' };
    const fixed = expectValid(proposeFix(finding([{ kind: 'add-ip-rule', rule, position: base.ipRules.length, before: null }]), base));
    expect(fixed.ipRules.at(-1)).toEqual(rule);
    const unknown = proposeFix(finding([{ kind: 'add-ip-rule', rule: { ...rule, destinationInterface: 'nosuch' }, position: base.ipRules.length, before: null }]), base);
    expect(unknown).toMatchObject({ ok: false });
  });

  it('moves a tunnel, adds proposals, reorders DH groups, sets networks, policy, PSK type, DPD and lifetimes: each result validates', () => {
    const base = config();
    expect(expectValid(proposeFix(finding([{ kind: 'move-tunnel', tunnel: 'branch', above: 'roaming' }]), base)).tunnels.map((t) => t.name)).toEqual(['branch', 'roaming']);
    expect(expectValid(proposeFix(finding([{ kind: 'add-proposal', tunnel: 'branch', list: 'ikeProposals', proposal: 'aes256-sha256-modp2048', position: 'last' }]), base)).tunnels[1]!.ikeProposals).toEqual([
      'aes128gcm16-prfsha256-x25519',
      'aes256-sha256-modp2048',
    ]);
    const withTwoGroups = { ...base, tunnels: [base.tunnels[0]!, { ...base.tunnels[1]!, ikeProposals: ['aes256-sha256-modp2048', 'aes128gcm16-prfsha256-x25519-ecp256'] }] };
    expect(expectValid(proposeFix(finding([{ kind: 'prefer-dh-group', tunnel: 'branch', group: 'ecp256' }]), withTwoGroups)).tunnels[1]!.ikeProposals).toEqual([
      'aes128gcm16-prfsha256-ecp256-x25519',
      'aes256-sha256-modp2048',
    ]);
    expect(expectValid(proposeFix(finding([{ kind: 'set-networks', tunnel: 'branch', field: 'localNetworks', networks: ['lan', '192.168.20.0/24'] }]), base)).tunnels[1]!.localNetworks).toEqual(['lan', '192.168.20.0/24']);
    expect(expectValid(proposeFix(finding([{ kind: 'set-responder-policy', tunnel: 'branch', policy: 'narrow' }]), base)).tunnels[1]!.responderPolicy).toBe('narrow');
    expect(expectValid(proposeFix(finding([{ kind: 'set-psk-type', tunnel: 'branch', type: 'passphrase' }]), base)).tunnels[1]!.auth).toEqual({ method: 'psk', psk: { type: 'passphrase', value: '00112233aabbccdd' } });
    const noDpd = { ...base, tunnels: [base.tunnels[0]!, { ...base.tunnels[1]!, dpd: { enabled: false, intervalSeconds: 30, timeoutSeconds: 150 } }] };
    expect(expectValid(proposeFix(finding([{ kind: 'enable-dpd', tunnel: 'branch' }]), noDpd)).tunnels[1]!.dpd.enabled).toBe(true);
    expect(expectValid(proposeFix(finding([{ kind: 'set-lifetime', tunnel: 'branch', field: 'ipsecLifetimeSeconds', seconds: 1800 }]), base)).tunnels[1]!.ipsecLifetimeSeconds).toBe(1800);
  });

  it('never adds an algorithm RFC 8247 deprecates (nor one the engine lacks)', () => {
    for (const proposal of ['aes128-sha256-modp1024', 'aes128-md5-modp2048', 'des-sha256-modp2048', 'aes128-sha256-prfmd5-modp2048', 'aes128-sha256-modp1536']) {
      const result = proposeFix(finding([{ kind: 'add-proposal', tunnel: 'branch', list: 'ikeProposals', proposal, position: 'last' }]), config());
      expect(result, proposal).toMatchObject({ ok: false, reason: expect.stringMatching(/RFC 8247/) });
    }
    expect(proposeFix(finding([{ kind: 'add-proposal', tunnel: 'branch', list: 'ipsecProposals', proposal: 'aes128-md5', position: 'last' }]), config())).toMatchObject({ ok: false });
    expect(proposeFix(finding([{ kind: 'add-proposal', tunnel: 'branch', list: 'ikeProposals', proposal: 'camellia128-sha256-modp2048', position: 'last' }]), config())).toMatchObject({ ok: false, reason: expect.stringMatching(/does not implement/) });
  });

  it('never sets an all-nets selector, however it is spelled', () => {
    for (const networks of [['0.0.0.0/0'], ['all-nets-ip4'], ['::/0'], ['all-nets-ip6'], ['everything'], ['192.168.1.0/24', '0.0.0.0/0']]) {
      for (const field of ['localNetworks', 'remoteNetworks'] as const) {
        const result = proposeFix(finding([{ kind: 'set-networks', tunnel: 'branch', field, networks }]), config());
        expect(result, networks.join(',')).toMatchObject({ ok: false, reason: expect.stringMatching(/all-nets/) });
      }
    }
    expect(proposeFix(finding([{ kind: 'set-address-book-networks', entry: 'lan', networks: ['0.0.0.0/0'] }]), config())).toMatchObject({ ok: false });
  });

  it('refuses what does not apply, and findings whose fix is the peer\'s', () => {
    expect(proposeFix(finding([{ kind: 'move-tunnel', tunnel: 'roaming', above: 'branch' }]), config())).toMatchObject({ ok: false, reason: expect.stringMatching(/already above/) });
    expect(proposeFix(finding([{ kind: 'enable-dpd', tunnel: 'nope' }]), config())).toMatchObject({ ok: false, reason: 'no tunnel "nope"' });
    expect(proposeFix(finding([{ kind: 'set-psk-type', tunnel: 'roaming', type: 'hex' }]), config())).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid hex/) });
    expect(proposeFix({ id: 'x', side: 'remote', fixes: [] }, config())).toMatchObject({ ok: false, reason: expect.stringMatching(/belongs on the peer/) });
    expect(proposeFix(finding([{ kind: 'enable-dpd', tunnel: 'branch' }]), config(), { fixId: 'other' })).toMatchObject({ ok: false });
  });

  it('does not modify the config it is given', () => {
    const base = config();
    const before = JSON.stringify(base);
    proposeFix(finding([{ kind: 'move-tunnel', tunnel: 'branch', above: 'roaming' }, { kind: 'set-responder-policy', tunnel: 'branch', policy: 'narrow' }]), base);
    expect(JSON.stringify(base)).toBe(before);
  });

  it('shows a unified diff with context and no secret in it', () => {
    const base = config();
    const result = proposeFix(finding([{ kind: 'set-responder-policy', tunnel: 'branch', policy: 'narrow' }]), base);
    if (!result.ok) throw new Error(result.reason);
    const lines = result.diff.text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['--- config (current)', '+++ config (with fix)']);
    expect(lines[2]).toMatch(/^@@ -\d+,7 \+\d+,7 @@$/);
    expect(lines.filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual(['-      "responderPolicy": "strict",']);
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual(['+      "responderPolicy": "narrow",']);
    expect(result.diff.changes).toEqual([{ path: 'tunnels[1].responderPolicy', before: 'strict', after: 'narrow' }]);
    const moved = proposeFix(finding([{ kind: 'move-tunnel', tunnel: 'branch', above: 'roaming' }]), base);
    if (!moved.ok) throw new Error(moved.reason);
    for (const secret of ['roaming-secret', '00112233aabbccdd', 'xauth-secret']) expect(moved.diff.text).not.toContain(secret);
    expect(moved.diff.text).toContain('"value": "<secret>"');
    expect(unifiedConfigDiff(base, base)).toBe('');
    expect(JSON.stringify(redactSecrets(base))).not.toContain('roaming-secret');
  });

  it('applies several actions in order, all or nothing', () => {
    const result = applyFixActions(config(), [
      { kind: 'set-responder-policy', tunnel: 'branch', policy: 'narrow' },
      { kind: 'set-networks', tunnel: 'branch', field: 'remoteNetworks', networks: ['0.0.0.0/0'] },
    ]);
    expect(result.ok).toBe(false);
  });
});
