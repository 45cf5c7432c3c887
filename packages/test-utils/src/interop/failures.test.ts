/**
 * The seed's error messages (13.6.6) produced by a real strongSwan 5.9.8 on
 * the other end, each side initiating: wrong pre-shared key, IKE and ESP
 * proposal mismatch, and the roaming all-nets tunnel above the peer's
 * tunnel that makes a correct key look wrong (13.6.1, 13.6.6 #2). Every
 * case checks what charon logged and what we reported: the coded event,
 * the `ike -stat` counters and the snoop line that carried the notify.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInterop } from '../require-tool.ts';
import { charonConf, settledSnoopPair, startInteropLab, tunnelToCharon, CHARON, OURS, type InteropLab } from './interop-lab.ts';

describeInterop('interop with strongSwan 5.9.8: seed 13.6.6 failures, both directions', ['charon', 'netns'], () => {
  let lab: InteropLab;

  beforeAll(async () => {
    lab = await startInteropLab('failures');
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('wrong PSK, we initiate: charon\'s AUTH check fails, we report incorrect_psk', async () => {
    const c = await lab.reset({ ours: [tunnelToCharon({ psk: 'our-idea-of-the-key' })], charon: charonConf() });
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'incorrect_psk');
    expect(event).toMatchObject({ condition: 'authentication_failed_received', phase: 'ike', side: 'initiator', tunnel: 'gw' });
    // We send no IDr (we do not presume charon's identity), hence '%any'.
    await c.waitForCharon(/tried 1 shared key for '%any' - 'side-a', but MAC mismatched/);
    await c.waitForCharon(/generating IKE_AUTH response 1 \[ N\(AUTH_FAILED\) \]/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('listIkeSas')).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ikeNegotiationsDone: 0, ikeNegotiationsFailed: 1, ipsecNegotiationsDone: 0 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
    expect(ours.at(-1)).toBe('charon: IKE_AUTH response 1 [ N(AUTH_FAILED) ]');
  });

  it('wrong PSK, charon initiates: we refuse its AUTH with incorrect_psk, charon logs AUTHENTICATION_FAILED', async () => {
    const c = await lab.reset({ ours: [tunnelToCharon()], charon: charonConf({ psk: 'charons-idea-of-the-key' }) });
    const result = await lab.charon.initiate({ child: 'net' }, { allowFailure: true });
    expect(result.code).not.toBe(0);
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'incorrect_psk');
    expect(event).toMatchObject({ condition: 'auth_psk_mismatch', phase: 'ike', side: 'responder', tunnel: 'gw' });
    await c.waitForCharon(/received AUTHENTICATION_FAILED notify error/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ikeNegotiationsFailed: 1 });
    // Our diagnosis replays the peer's AUTH against every configured key: none verifies it.
    const diagnosis = await lab.engine.waitFor('ike.psk.diagnosis');
    expect(diagnosis).toMatchObject({ tunnel: 'gw', testable: true });
    expect(diagnosis.results.every((r) => !r.verifies)).toBe(true);
    expect(diagnosis.conclusion).toMatch(/^no configured key verifies the peer's AUTH/);
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
    expect(ours.at(-1)).toBe('engine: IKE_AUTH response 1 [ N(AUTH_FAILED) ]');
  });

  it('IKE proposal mismatch, we initiate: charon answers NO_PROPOSAL_CHOSEN, we report no_proposal_chosen', async () => {
    const c = await lab.reset({
      ours: [tunnelToCharon({ ikeProposals: ['aes256-sha256-modp2048'] })],
      charon: charonConf({ proposals: 'aes128gcm16-prfsha256-x25519' }),
    });
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'no_proposal_chosen');
    expect(event).toMatchObject({ condition: 'no_proposal_chosen_received', phase: 'ike', side: 'initiator' });
    await c.waitForCharon(/received proposals: IKE:AES_CBC_256\/HMAC_SHA2_256_128\/PRF_HMAC_SHA2_256\/MODP_2048/);
    await c.waitForCharon(/configured proposals: IKE:AES_GCM_16_128\/PRF_HMAC_SHA2_256\/CURVE_25519/);
    await c.waitForCharon(/generating IKE_SA_INIT response 0 \[ N\(NO_PROP\) \]/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ikeNegotiationsFailed: 1 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
  });

  it('IKE proposal mismatch, charon initiates: we answer NO_PROPOSAL_CHOSEN with no_proposal_chosen, charon logs it', async () => {
    const c = await lab.reset({
      ours: [tunnelToCharon({ ikeProposals: ['aes128gcm16-prfsha256-x25519'] })],
      charon: charonConf({ proposals: 'aes256-sha256-modp2048' }),
    });
    const result = await lab.charon.initiate({ child: 'net' }, { allowFailure: true });
    expect(result.code).not.toBe(0);
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'no_proposal_chosen');
    expect(event).toMatchObject({ condition: 'ike_proposal_unacceptable', phase: 'ike', side: 'responder' });
    await c.waitForCharon(/received NO_PROPOSAL_CHOSEN notify error/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ikeNegotiationsFailed: 1 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
    expect(ours).toEqual(['charon: IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]', 'engine: IKE_SA_INIT response 0 [ N(NO_PROP) ]']);
  });

  it('ESP proposal mismatch, we initiate: IKE_SA up, charon refuses the CHILD_SA, we report no_proposal_chosen (phase ipsec)', async () => {
    const c = await lab.reset({
      ours: [tunnelToCharon({ ipsecProposals: ['aes256-sha256'] })],
      charon: charonConf({ espProposals: 'aes128gcm16' }),
    });
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'no_proposal_chosen');
    expect(event).toMatchObject({ condition: 'no_proposal_chosen_received', phase: 'ipsec', side: 'initiator' });
    await c.waitForCharon(/no acceptable proposal found/);
    await c.waitForCharon(/failed to establish CHILD_SA, keeping IKE_SA/);
    const [sa] = await lab.charonSas();
    expect(sa).toMatchObject({ state: 'ESTABLISHED', childSas: [] });
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecSasActive: 0, ipsecNegotiationsFailed: 1 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
    expect(ours.at(-1)).toMatch(/^charon: IKE_AUTH response 1 \[ IDr AUTH N\(NO_PROP\) .*\]$/);
  });

  it('ESP proposal mismatch, charon initiates: we refuse the CHILD_SA with no_proposal_chosen (phase ipsec), charon logs it', async () => {
    const c = await lab.reset({
      ours: [tunnelToCharon({ ipsecProposals: ['aes128gcm16'] })],
      charon: charonConf({ espProposals: 'aes256-sha256' }),
    });
    await lab.charon.initiate({ child: 'net' }, { allowFailure: true });
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'no_proposal_chosen');
    expect(event).toMatchObject({ condition: 'child_proposal_unacceptable', phase: 'ipsec', side: 'responder' });
    await c.waitForCharon(/received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built/);
    const [sa] = await lab.charonSas();
    expect(sa).toMatchObject({ state: 'ESTABLISHED', childSas: [] });
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ipsecSasActive: 0, ipsecNegotiationsFailed: 1 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
  });

  it('roaming all-nets tunnel above the peer\'s: charon\'s correct key fails with our incorrect_psk, and tunnel.selected shows why', async () => {
    const roaming = {
      name: 'roaming',
      localNetworks: [OURS.network],
      remoteNetworks: ['all-nets-ip4'],
      localEndpoint: OURS.address,
      remoteEndpoint: 'none',
      ikeProposals: ['aes128gcm16-prfsha256-x25519'],
      ipsecProposals: ['aes128gcm16'],
      localId: { type: 'fqdn', value: OURS.id },
      remoteId: { type: 'any' },
      auth: { method: 'psk', psk: { type: 'passphrase', value: 'the-roaming-clients-key' } },
    };
    const c = await lab.reset({ ours: [roaming, tunnelToCharon()], charon: charonConf() });
    await lab.charon.initiate({ child: 'net' }, { allowFailure: true });
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'incorrect_psk');
    expect(event).toMatchObject({ condition: 'auth_psk_mismatch', tunnel: 'roaming', side: 'responder' });
    await c.waitForCharon(/received AUTHENTICATION_FAILED notify error/);
    expect(await lab.charonSas()).toEqual([]);

    // The trail: IKE_SA_INIT picked the roaming tunnel (first in the list,
    // any remote gateway), the correct tunnel was shadowed below it, and
    // IKE_AUTH kept the roaming tunnel because its identity "any" matches.
    const selections = lab.engine.ofType('tunnel.selected').map((e) => e.selection);
    expect(selections.map((s) => [s.phase, s.outcome, s.tunnel])).toEqual([
      ['IKE_SA_INIT', 'selected', 'roaming'],
      ['IKE_AUTH', 'kept', 'roaming'],
    ]);
    expect(selections[0]?.trace.map((step) => [step.tunnel, step.verdict])).toEqual([
      ['roaming', 'selected'],
      ['gw', 'shadowed'],
    ]);
    // Our PSK diagnosis finds the key that would have worked: the shadowed tunnel's.
    const diagnosis = await lab.engine.waitFor('ike.psk.diagnosis');
    expect(diagnosis.results).toEqual(expect.arrayContaining([{ source: 'tunnel:gw', tunnel: 'gw', verifies: true }]));
    expect(diagnosis).toMatchObject({ tunnel: 'roaming', testable: true });
    expect(diagnosis.conclusion).toMatch(/^the key of tunnel "gw" verifies/);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ikeNegotiationsFailed: 1 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);

    // Control: the same two tunnels with the peer's tunnel first work.
    await lab.reset({ ours: [tunnelToCharon(), roaming], charon: charonConf() });
    await lab.charon.initiate({ child: 'net' });
    await lab.engine.waitFor('child.sa.up');
    expect(lab.engine.ofType('tunnel.selected').map((e) => [e.selection.phase, e.selection.tunnel])[0]).toEqual(['IKE_SA_INIT', 'gw']);
    const [sa] = await lab.charonSas();
    expect(sa).toMatchObject({ state: 'ESTABLISHED', remoteId: OURS.id, localId: CHARON.id });
  });
});
