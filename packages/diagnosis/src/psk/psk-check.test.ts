/** "Would this PSK work?" against kept AUTH material, and interpreting the gateway's testPsk answer. */
import { describe, expect, it } from 'vitest';
import { PrfId, computePskAuth, pskBytes } from '@tunnelscope/ike';
import { applyPskTestResult, wouldPskVerify } from './psk-check.ts';
import { mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';

describe('would this PSK work?', () => {
  const signedOctets = new TextEncoder().encode('RealMessage1 | NonceRData | MACedIDForI, as the peer signed it');
  const material = { prf: PrfId.HMAC_SHA2_256, signedOctets, receivedAuth: computePskAuth(PrfId.HMAC_SHA2_256, pskBytes({ kind: 'hex', value: '0a1b2c3d' }), signedOctets) };

  it('says match only for the key (and type) the AUTH was made with', () => {
    expect(wouldPskVerify(material, { kind: 'hex', value: '0a1b2c3d' })).toEqual({ result: 'match' });
    expect(wouldPskVerify(material, { kind: 'hex', value: '0x0A1B2C3D' })).toEqual({ result: 'match' });
    expect(wouldPskVerify(material, { kind: 'passphrase', value: '0a1b2c3d' })).toEqual({ result: 'mismatch' });
    expect(wouldPskVerify(material, { kind: 'hex', value: '0a1b2c3e' })).toEqual({ result: 'mismatch' });
    expect(wouldPskVerify(material, { kind: 'hex', value: '0a1' })).toMatchObject({ result: 'invalid-candidate', problem: expect.stringMatching(/odd number/) });
  });

  it('updates an incorrect-PSK finding from the gateway\'s testPsk answer (real engine)', async () => {
    const ours = ourTunnel();
    let answer: { result: 'match' | 'mismatch' | 'no_evidence'; detail: string } | undefined;
    let wrong: typeof answer;
    const { findings } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours, { auth: { method: 'psk', psk: { type: 'passphrase', value: 'the-peers-key' } } })],
      initiator: 'peer',
      then: (lab) => {
        answer = lab.gateway.testPsk('hq-branch', { kind: 'passphrase', value: 'the-peers-key' });
        wrong = lab.gateway.testPsk('hq-branch', { kind: 'passphrase', value: 'guess' });
      },
    });
    const finding = findings[0]!;
    expect(finding.code).toBe('incorrect_psk');
    const matched = applyPskTestResult(finding, 'passphrase', answer!);
    expect(matched).toMatchObject({ side: 'local', confidence: { score: 0.99 }, facts: { verifiedCandidateType: 'passphrase' } });
    expect(JSON.stringify(matched)).not.toContain('the-peers-key');
    const missed = applyPskTestResult(finding, 'passphrase', wrong!);
    expect(missed.confidence.score).toBe(finding.confidence.score);
    expect(missed.confidence.reasoning.at(-1)).toMatch(/does not verify either/);
  });
});
