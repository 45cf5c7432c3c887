/**
 * SA lifecycle against a real strongSwan 5.9.8, each operation started once
 * by us and once by charon (swanctl --rekey / --terminate): CHILD_SA rekey,
 * IKE_SA rekey, CHILD_SA and IKE_SA delete, and dead peer detection (charon's
 * dpd_delay and ours: liveness probes answered, then a peer that stops
 * answering). Both sides must agree on the SPIs after every step.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChildSaInfo as CharonChildSa, IkeSaInfo as CharonIkeSa } from '../vici-list.ts';
import { describeInterop } from '../require-tool.ts';
import { charonConf, settledSnoopPair, startInteropLab, tunnelToCharon, type InteropLab, type LabCase } from './interop-lab.ts';

describeInterop('interop with strongSwan 5.9.8: rekey, delete and DPD, both directions', ['charon', 'netns'], () => {
  let lab: InteropLab;

  beforeAll(async () => {
    lab = await startInteropLab('lifecycle');
  });

  afterAll(async () => {
    await lab?.close();
  });

  /** A fresh IKE_SA + CHILD_SA that we initiated, with `dpd` settings for both sides. */
  async function established(options: { ourDpd?: { enabled: boolean; intervalSeconds?: number; timeoutSeconds?: number }; charonDpdDelay?: number } = {}): Promise<LabCase> {
    const c = await lab.reset({
      ours: [tunnelToCharon({ dpd: options.ourDpd ?? { enabled: false } })],
      charon: charonConf({ connectionSettings: options.charonDpdDelay ? { dpd_delay: options.charonDpdDelay } : {} }),
    });
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    await lab.engine.waitFor('child.sa.up');
    await c.waitForCharon(/CHILD_SA net\{\d+\} established/);
    return c;
  }

  async function charonSa(): Promise<CharonIkeSa> {
    const sas = await lab.charonSas();
    expect(sas).toHaveLength(1);
    return sas[0] as CharonIkeSa;
  }

  /** Both sides list exactly one IKE_SA with the same SPIs and one CHILD_SA with mirrored SPIs. */
  async function expectSidesAgree(): Promise<{ charon: CharonIkeSa; child: CharonChildSa }> {
    const sa = await charonSa();
    expect(sa.state).toBe('ESTABLISHED');
    const installed = sa.childSas.filter((child) => child.state === 'INSTALLED');
    expect(installed).toHaveLength(1);
    const [ike, ...moreIke] = await lab.engine.call('listIkeSas');
    expect(moreIke).toEqual([]);
    expect(ike).toMatchObject({ state: 'established', spiInitiator: sa.initiatorSpi, spiResponder: sa.responderSpi });
    const ours = (await lab.engine.call('listChildSas')).filter((child) => child.state === 'installed');
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ spiInbound: installed[0]?.spiOut, spiOutbound: installed[0]?.spiIn });
    return { charon: sa, child: installed[0] as CharonChildSa };
  }

  async function expectSameMessages(c: LabCase): Promise<void> {
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
  }

  it('CHILD_SA rekey started by us: charon installs the new CHILD_SA and deletes the old one', async () => {
    const c = await established();
    const before = await expectSidesAgree();
    const [child] = await lab.engine.call('listChildSas');
    expect(await lab.engine.call('rekeyChildSa', child?.id ?? '')).toMatchObject({ ok: true });
    await lab.engine.waitFor('child.sa.rekeyed');
    await c.waitForCharon(/generating INFORMATIONAL response \d+ \[ D \]|parsed INFORMATIONAL response \d+ \[ D \]/);
    await c.waitForCharon(/CHILD_SA closed/);
    const after = await expectSidesAgree();
    expect(after.child.spiIn).not.toBe(before.child.spiIn);
    expect(after.charon.initiatorSpi).toBe(before.charon.initiatorSpi);
    expect(await lab.engine.call('stats')).toMatchObject({ ipsecSasActive: 1, ipsecRekeysDone: 1, ipsecRekeysFailed: 0, ikeRekeysDone: 0 });
    const messages = c.charonMessages().map((m) => `${m.direction} ${m.exchange} ${m.kind} ${m.payloads}`);
    expect(messages).toContain('parsed CREATE_CHILD_SA request N(REKEY_SA) SA No TSi TSr');
    await expectSameMessages(c);
  });

  it('CHILD_SA rekey started by charon (swanctl --rekey --child): we answer and swap to the new CHILD_SA', async () => {
    const c = await established();
    const before = await expectSidesAgree();
    await lab.charon.rekey({ child: 'net' });
    const rekeyed = await lab.engine.waitFor('child.sa.rekeyed');
    expect(rekeyed).toMatchObject({ tunnel: 'gw' });
    await c.waitForCharon(/CHILD_SA closed/);
    // The replaced CHILD_SA goes without a child.sa.down (it was rekeyed, not lost): our DELETE answer ends it.
    await lab.engine.waitFor('snoop.message', (e) => e.direction === 'out' && e.summary.startsWith('INFORMATIONAL response 1 [ D ]'));
    expect(lab.engine.ofType('child.sa.down')).toEqual([]);
    const after = await expectSidesAgree();
    expect(after.child.spiIn).not.toBe(before.child.spiIn);
    expect(await lab.engine.call('stats')).toMatchObject({ ipsecSasActive: 1, ipsecRekeysDone: 1 });
    expect(c.charonMessages().slice(4).map((m) => `${m.direction} ${m.exchange} ${m.kind}`)).toEqual([
      'generating CREATE_CHILD_SA request',
      'parsed CREATE_CHILD_SA response',
      'generating INFORMATIONAL request',
      'parsed INFORMATIONAL response',
    ]);
    await expectSameMessages(c);
  });

  it('IKE_SA rekey started by us: new SPIs on both sides, the CHILD_SA moves over', async () => {
    const c = await established();
    const before = await expectSidesAgree();
    const [ike] = await lab.engine.call('listIkeSas');
    expect(await lab.engine.call('rekeyIkeSa', ike?.id ?? '')).toMatchObject({ ok: true });
    await lab.engine.waitFor('ike.sa.rekeyed');
    await c.waitForCharon(/IKE_SA gw\[\d+\] state change: .* => DESTROYING/);
    const after = await expectSidesAgree();
    expect(after.charon.initiatorSpi).not.toBe(before.charon.initiatorSpi);
    expect(after.child.spiIn).toBe(before.child.spiIn);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ikeRekeysDone: 1, ikeRekeysFailed: 0, ipsecSasActive: 1 });
    await expectSameMessages(c);
  });

  it('IKE_SA rekey started by charon (swanctl --rekey --ike): we answer, new SPIs on both sides', async () => {
    const c = await established();
    const before = await expectSidesAgree();
    await lab.charon.rekey({ ike: 'gw' });
    await lab.engine.waitFor('ike.sa.rekeyed');
    await c.waitForCharon(/IKE_SA gw\[\d+\] state change: .* => DESTROYING/);
    // charon deletes the old IKE_SA; the rekeyed SA goes without an ike.sa.down.
    await lab.engine.waitFor('snoop.message', (e) => e.direction === 'out' && e.summary === 'INFORMATIONAL response 1 [ ]');
    expect(lab.engine.ofType('ike.sa.down')).toEqual([]);
    const after = await expectSidesAgree();
    expect(after.charon.initiatorSpi).not.toBe(before.charon.initiatorSpi);
    expect(after.child.spiIn).toBe(before.child.spiIn);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ikeRekeysDone: 1, ipsecSasActive: 1 });
    await expectSameMessages(c);
  });

  it('CHILD_SA delete started by us, then by charon (swanctl --terminate --child): the IKE_SA stays', async () => {
    const c = await established();
    const [child] = await lab.engine.call('listChildSas');
    expect(await lab.engine.call('deleteChildSa', child?.id ?? '')).toMatchObject({ ok: true });
    await lab.engine.waitFor('child.sa.down');
    await c.waitForCharon(/received DELETE for ESP CHILD_SA with SPI/);
    expect((await charonSa()).childSas).toEqual([]);

    // Build a second CHILD_SA from charon's side, then let charon delete it.
    await lab.charon.initiate({ child: 'net' });
    await lab.engine.waitFor('child.sa.up', (e) => e.childSaId !== child?.id);
    expect((await charonSa()).childSas).toHaveLength(1);
    await lab.charon.terminate({ child: 'net' });
    await lab.engine.waitFor('child.sa.down', (e) => e.childSaId !== child?.id);
    expect(await lab.engine.call('listChildSas')).toEqual([]);
    expect((await charonSa()).childSas).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ipsecSasActive: 0, ipsecNegotiationsDone: 2 });
    await expectSameMessages(c);
  });

  it('IKE_SA delete started by us: charon logs the DELETE and lists nothing', async () => {
    const c = await established();
    const [ike] = await lab.engine.call('listIkeSas');
    expect(await lab.engine.call('deleteIkeSa', ike?.id ?? '')).toMatchObject({ ok: true });
    await lab.engine.waitFor('ike.sa.down');
    await c.waitForCharon(/deleting IKE_SA gw\[\d+\] between/);
    await c.waitForCharon(/IKE_SA deleted/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('listIkeSas')).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ipsecSasActive: 0 });
    await expectSameMessages(c);
    expect((await settledSnoopPair(lab.engine, c)).ours.slice(-2)).toEqual([
      'engine: INFORMATIONAL request 2 [ D ]',
      'charon: INFORMATIONAL response 2 [ ]',
    ]);
  });

  it('IKE_SA delete started by charon (swanctl --terminate --ike): we answer and drop both SAs', async () => {
    const c = await established();
    await lab.charon.terminate({ ike: 'gw' });
    const down = await lab.engine.waitFor('ike.sa.down');
    expect(down).toMatchObject({ tunnel: 'gw' });
    await lab.engine.waitFor('child.sa.down');
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('listIkeSas')).toEqual([]);
    expect(await lab.engine.call('listChildSas')).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ipsecSasActive: 0 });
    await expectSameMessages(c);
    expect((await settledSnoopPair(lab.engine, c)).ours.slice(-2)).toEqual([
      'charon: INFORMATIONAL request 0 [ D ]',
      'engine: INFORMATIONAL response 0 [ ]',
    ]);
  });

  it('DPD by charon (dpd_delay = 1 s): we answer its empty INFORMATIONAL requests; the SAs stay up', async () => {
    const c = await established({ charonDpdDelay: 1 });
    await c.waitForCharon(/generating INFORMATIONAL request \d+ \[ \]/, 5000);
    await c.waitForCharon(/parsed INFORMATIONAL response \d+ \[ \]/, 5000);
    await lab.engine.waitFor('snoop.message', (e) => e.direction === 'out' && /^INFORMATIONAL response \d+ \[ \]$/.test(e.summary));
    await expectSidesAgree();
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ikeNegotiationsFailed: 0 });
    await expectSameMessages(c);
  });

  it('DPD by us (interval 1 s): charon answers our empty INFORMATIONAL requests; the SAs stay up', async () => {
    const c = await established({ ourDpd: { enabled: true, intervalSeconds: 1, timeoutSeconds: 5 } });
    await lab.engine.waitFor('snoop.message', (e) => e.direction === 'in' && /^INFORMATIONAL response \d+ \[ \]$/.test(e.summary), 5000);
    await c.waitForCharon(/parsed INFORMATIONAL request \d+ \[ \]/);
    await c.waitForCharon(/generating INFORMATIONAL response \d+ \[ \]/);
    const [ike] = await lab.engine.call('listIkeSas');
    expect(ike?.dpd).toMatchObject({ enabled: true, intervalSeconds: 1 });
    await expectSidesAgree();
    await expectSameMessages(c);
  });

  it('DPD by us, charon frozen (SIGSTOP): no answer within the DPD timeout, we report peer_not_responding and drop the SAs', async () => {
    await established({ ourDpd: { enabled: true, intervalSeconds: 1, timeoutSeconds: 3 } });
    const charonPid = lab.charon.process.pid;
    if (charonPid === undefined) throw new Error('charon has no pid');
    process.kill(charonPid, 'SIGSTOP');
    let event;
    try {
      event = await lab.engine.waitFor('log.event', (e) => e.code === 'peer_not_responding', 10_000);
      expect(event).toMatchObject({ condition: 'dead_peer', tunnel: 'gw' });
      expect(await lab.engine.waitFor('ike.sa.down')).toMatchObject({ reason: 'dpd-timeout' });
    } finally {
      process.kill(charonPid, 'SIGCONT');
    }
    expect(await lab.engine.call('listIkeSas')).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ipsecSasActive: 0 });
    // The probe and its retransmissions, as the snoop showed them.
    const probes = lab.engine.ofType('snoop.message').filter((e) => e.direction === 'out' && e.summary.startsWith('INFORMATIONAL request'));
    expect(probes.map((e) => e.summary)).toEqual([
      'INFORMATIONAL request 2 [ ]',
      'INFORMATIONAL request 2 (retransmit 1)',
      'INFORMATIONAL request 2 (retransmit 2)',
    ]);
    expect(event.evidence).toMatchObject({ transmissions: 3, exchange: 'INFORMATIONAL' });
  });

  it('DPD by charon, our gateway gone: charon gives up after its retransmits and deletes the IKE_SA', async () => {
    const c = await established({ charonDpdDelay: 1 });
    await lab.engine.call('stop');
    await c.waitForCharon(/giving up after \d+ retransmits/, 10_000);
    await c.waitForCharon(/IKE_SA gw\[\d+\] state change: .* => DESTROYING/);
    expect(await lab.charonSas()).toEqual([]);
  });
});
