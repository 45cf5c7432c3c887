/** 13.6.6 #2 and #5 on real engine event streams. */
import { describe, expect, it } from 'vitest';
import { proposeFix } from '../fixes/propose-fix.ts';
import { makeTunnel } from '../__tests__/lab-bench.ts';
import { US, mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';

const roaming = makeTunnel({
  name: 'roaming-users',
  localEndpoint: US,
  remoteEndpoint: 'none',
  localNetworks: ['192.168.10.0/24'],
  remoteNetworks: ['all-nets-ip4'],
  auth: { method: 'psk', psk: { type: 'passphrase', value: 'roaming-users-key' } },
});

describe('incorrect pre-shared key', () => {
  it('wrong tunnel selected: the roaming all-nets tunnel above caught the peer; the fix moves the specific tunnel up, with the diff', async () => {
    const ours = ourTunnel();
    const { findings, input } = await runPair({ ours: [roaming, ours], peer: [mirrorTunnel(ours)], initiator: 'peer' });
    const [top] = findings;
    expect(top).toMatchObject({ code: 'wrong_tunnel_selected', title: 'Incorrect pre-shared key', tunnel: 'hq-branch', side: 'local', phase: 'ike' });
    expect(top!.facts).toMatchObject({ selectedTunnel: 'roaming-users', correctTunnel: 'hq-branch', keyOfCorrectTunnelVerifies: true, roamingSelected: true });
    expect(top!.confidence.score).toBeGreaterThanOrEqual(0.95);
    expect(top!.explanation).toMatch(/roaming tunnel \(remote endpoint none, remote network all-nets-ip4\)/);
    // The selection trail is cited.
    expect(top!.evidence.events.filter((e) => e.type === 'tunnel.selected').length).toBeGreaterThanOrEqual(2);
    expect(top!.evidence.events.some((e) => e.type === 'ike.psk.diagnosis')).toBe(true);
    const fix = proposeFix(top!, input.config);
    expect(fix.ok).toBe(true);
    if (!fix.ok) return;
    expect(fix.newConfig.tunnels.map((t) => t.name)).toEqual(['hq-branch', 'roaming-users']);
    expect(fix.diff.changes).toEqual([{ path: 'tunnels (order)', before: ['roaming-users', 'hq-branch'], after: ['hq-branch', 'roaming-users'] }]);
    expect(fix.diff.text).toMatch(/^--- config \(current\)\n\+\+\+ config \(with fix\)\n@@ /);
    expect(fix.diff.text).not.toMatch(/s3cret-key|roaming-users-key/);
    // The config-only finding says the same from the order alone, with less confidence.
    expect(findings.find((f) => f.code === 'tunnel_shadowed')).toMatchObject({ tunnel: 'hq-branch' });
    expect(findings.find((f) => f.code === 'incorrect_psk')).toBeUndefined();
  });

  it('the fixed config, run on the engine, lets the peer in', async () => {
    const ours = ourTunnel();
    const first = await runPair({ ours: [roaming, ours], peer: [mirrorTunnel(ours)], initiator: 'peer' });
    const fix = proposeFix(first.findings[0]!, first.input.config);
    if (!fix.ok) throw new Error(fix.reason);
    const second = await runPair({ ours: fix.newConfig.tunnels, peer: [mirrorTunnel(ours)], initiator: 'peer', tunnel: 'hq-branch' });
    expect(second.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(second.input.saState?.childSas.some((c) => c.tunnel === 'hq-branch' && c.state === 'installed')).toBe(true);
  });

  it('PSK type mismatch (we Hex, the peer Passphrase): proven by the other reading; the fix sets the type', async () => {
    const ours = ourTunnel({ auth: { method: 'psk', psk: { type: 'hex', value: '0a1b2c3d4e5f6a7b' } } });
    const { findings, input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { auth: { method: 'psk', psk: { type: 'passphrase', value: '0a1b2c3d4e5f6a7b' } } })], initiator: 'peer' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'psk_type_mismatch', title: 'Incorrect pre-shared key', side: 'local', facts: { ourPskType: 'hex', peerPskType: 'passphrase' } });
    expect(findings[0]!.explanation).toMatch(/Payload_Malformed/);
    const fix = proposeFix(findings[0]!, input.config);
    expect(fix.ok && fix.newConfig.tunnels[0]!.auth).toEqual({ method: 'psk', psk: { type: 'passphrase', value: '0a1b2c3d4e5f6a7b' } });
    expect(fix.ok && fix.diff.text).toMatch(/-\s+"type": "hex",\n\+\s+"type": "passphrase"/);
  });

  it('plain wrong key as responder: no candidate verifies; the failure id for "would this PSK work?" is kept', async () => {
    const ours = ourTunnel();
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { auth: { method: 'psk', psk: { type: 'passphrase', value: 'other' } } })], initiator: 'peer' });
    expect(findings[0]).toMatchObject({ code: 'incorrect_psk', side: 'either', facts: { role: 'responder', pskTestable: true, failureId: 'psk-failure-1' } });
    expect(findings[0]!.confidence.score).toBe(0.9);
  });

  it('as initiator: the peer refused our AUTH, the key cannot be tested here', async () => {
    const ours = ourTunnel({ auth: { method: 'psk', psk: { type: 'passphrase', value: 'a1b2c3d4' } } });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { auth: { method: 'psk', psk: { type: 'hex', value: 'a1b2c3d4' } } })] });
    expect(findings[0]).toMatchObject({ code: 'incorrect_psk', facts: { role: 'initiator', pskTestable: false } });
    expect(findings[0]!.confidence.reasoning.join(' ')).toMatch(/hex digits/);
    expect(findings[0]!.fixSteps.join(' ')).toMatch(/Initiate the tunnel from the peer/);
  });
});

describe('no public key found', () => {
  it('a certificate tunnel without a certificate store: the daemon says no public key, cause local_certificate', async () => {
    const ours = ourTunnel({ auth: { method: 'certificate', certificate: 'gw', rootCertificates: ['ca'] } });
    const { findings } = await runPair({ ours: [ours], peer: [mirrorTunnel(ourTunnel())] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'local_certificate_problem', title: 'Check that the certificate .cer and .key files have the same filename', tunnel: 'hq-branch', side: 'local' });
    expect(findings[0]!.explanation).toMatch(/no certificate store configured/);
    expect(findings[0]!.fixSteps[0]).toMatch(/gw\.cer and gw\.key/);
  });
});
