/**
 * Proposed networks against a real strongSwan 5.9.8 (seed 13.6.7, RFC 7296
 * §2.9): charon as responder narrows a larger proposal of ours; the seed's
 * one-sided tunnel (Side B's remote network is larger than Side A's local
 * one) works when we initiate and fails with ts_unacceptable when charon
 * does, because our default responder policy is strict; with the `narrow`
 * policy the same proposal is narrowed instead.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInterop } from '../require-tool.ts';
import { charonConf, settledSnoopPair, startInteropLab, tunnelToCharon, CHARON, OURS, type InteropLab } from './interop-lab.ts';

/** Seed 13.6.7: Side B (charon) has Side A's network as 192.168.0.0/16, larger than A's 192.168.10.0/24. */
const SIDE_B = charonConf({ localTs: '10.10.10.0/24', remoteTs: '192.168.0.0/16' });

describeInterop('interop with strongSwan 5.9.8: traffic selector narrowing and seed 13.6.7', ['charon', 'netns'], () => {
  let lab: InteropLab;

  beforeAll(async () => {
    lab = await startInteropLab('ts');
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('we initiate with larger networks, charon as responder narrows them to its own, we install the narrowed CHILD_SA', async () => {
    const c = await lab.reset({
      ours: [tunnelToCharon({ localNetworks: ['192.168.0.0/16'], remoteNetworks: ['10.10.0.0/16'] })],
      charon: charonConf(),
    });
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    await lab.engine.waitFor('child.sa.up');
    await c.waitForCharon(/CHILD_SA net\{\d+\} established .* 10\.10\.10\.0\/24 === 192\.168\.10\.0\/24/);
    // charon's own account of the narrowing.
    await c.waitForCharon(/config: 10\.10\.10\.0\/24, received: 10\.10\.0\.0\/16 => match: 10\.10\.10\.0\/24/);
    await c.waitForCharon(/config: 192\.168\.10\.0\/24, received: 192\.168\.0\.0\/16 => match: 192\.168\.10\.0\/24/);
    const [sa] = await lab.charonSas();
    expect(sa?.childSas[0]).toMatchObject({ state: 'INSTALLED', localTs: ['10.10.10.0/24'], remoteTs: ['192.168.10.0/24'] });
    const [child] = await lab.engine.call('listChildSas');
    expect(child).toMatchObject({ state: 'installed', role: 'initiator', localTs: ['192.168.10.0/24'], remoteTs: ['10.10.10.0/24'] });
    expect(await lab.engine.call('stats')).toMatchObject({ ipsecSasActive: 1, ipsecNegotiationsDone: 1, ipsecNegotiationsFailed: 0 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
  });

  it('seed 13.6.7, Side A (we) initiates: our smaller network is inside charon\'s larger one, the tunnel comes up', async () => {
    const c = await lab.reset({ ours: [tunnelToCharon()], charon: SIDE_B });
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    await lab.engine.waitFor('child.sa.up');
    await c.waitForCharon(/CHILD_SA net\{\d+\} established .* 10\.10\.10\.0\/24 === 192\.168\.10\.0\/24/);
    const [sa] = await lab.charonSas();
    expect(sa?.childSas[0]).toMatchObject({ state: 'INSTALLED', localTs: ['10.10.10.0/24'], remoteTs: [OURS.network] });
    expect(await lab.engine.call('stats')).toMatchObject({ ipsecSasActive: 1, ipsecNegotiationsFailed: 0 });
  });

  it('seed 13.6.7, Side B (charon) initiates: our strict policy refuses 192.168.0.0/16 with ts_unacceptable, charon logs TS_UNACCEPTABLE', async () => {
    const c = await lab.reset({ ours: [tunnelToCharon({ responderPolicy: 'strict' })], charon: SIDE_B });
    await lab.charon.initiate({ child: 'net' }, { allowFailure: true });
    const event = await lab.engine.waitFor('log.event', (e) => e.code === 'ts_unacceptable');
    expect(event).toMatchObject({ condition: 'ts_unacceptable_local', phase: 'ipsec', side: 'responder', tunnel: 'gw' });
    expect(event.evidence).toMatchObject({
      proposedTsi: ['10.10.10.0/24'],
      proposedTsr: ['192.168.0.0/16'],
      configuredLocal: ['192.168.10.0/24'],
      policy: 'strict',
    });
    await c.waitForCharon(/received TS_UNACCEPTABLE notify, no CHILD_SA built/);
    // The IKE_SA stands on both sides; only the CHILD_SA failed ("can only be initiated from one side").
    const [sa] = await lab.charonSas();
    expect(sa).toMatchObject({ state: 'ESTABLISHED', childSas: [] });
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ipsecSasActive: 0, ipsecNegotiationsFailed: 1 });
    const { ours, charon } = await settledSnoopPair(lab.engine, c);
    expect(ours).toEqual(charon);
    expect(ours.at(-1)).toMatch(/^engine: IKE_AUTH response 1 \[ IDr AUTH N\(TS_UNACCEPT\)/);
  });

  it('seed 13.6.7, Side B (charon) initiates against our narrow policy: we narrow 192.168.0.0/16 to 192.168.10.0/24, charon accepts', async () => {
    const c = await lab.reset({ ours: [tunnelToCharon({ responderPolicy: 'narrow' })], charon: SIDE_B });
    await lab.charon.initiate({ child: 'net' });
    await lab.engine.waitFor('child.sa.up');
    await c.waitForCharon(/CHILD_SA net\{\d+\} established .* 10\.10\.10\.0\/24 === 192\.168\.10\.0\/24/);
    const [sa] = await lab.charonSas();
    expect(sa?.childSas[0]).toMatchObject({ state: 'INSTALLED', localTs: [CHARON.network], remoteTs: [OURS.network] });
    const [child] = await lab.engine.call('listChildSas');
    expect(child).toMatchObject({ role: 'responder', localTs: ['192.168.10.0/24'], remoteTs: ['10.10.10.0/24'] });
    const childSelection = lab.engine.ofType('tunnel.selected').find((e) => e.selection.phase === 'CHILD_SA');
    expect(childSelection?.selection).toMatchObject({ outcome: 'selected', tunnel: 'gw' });
    expect(await lab.engine.call('stats')).toMatchObject({ ipsecSasActive: 1, ipsecNegotiationsFailed: 0 });
  });
});
