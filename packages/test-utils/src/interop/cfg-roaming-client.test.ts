/**
 * strongSwan 5.9.8 as a roaming client (`vips = 0.0.0.0`) against our
 * responder with an address pool: charon asks for a virtual IP in
 * CP(CFG_REQUEST), gets the first pool address in CP(CFG_REPLY), and both
 * sides install the CHILD_SA for that /32. charon's own log line for each
 * message matches our snoop summary (CPRQ / CPRP notation). charon's
 * ADDITIONAL_IP4_ADDRESS notifies feed the seed 13.6.1 overlap check.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInterop } from '../require-tool.ts';
import { charonConf, settledSnoopPair, startInteropLab, tunnelToCharon, OURS, type InteropLab } from './interop-lab.ts';

const POOL = '10.99.0.0/29';

describeInterop('interop with strongSwan 5.9.8: roaming client with a virtual IP from our address pool', ['charon', 'netns'], () => {
  let lab: InteropLab;

  beforeAll(async () => {
    lab = await startInteropLab('cfg');
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('charon (vips = 0.0.0.0) gets 10.99.0.1 from the pool, both CHILD_SA ends use it', async () => {
    const ours = {
      ...tunnelToCharon({ name: 'roaming', remoteEndpoint: 'none', remoteNetworks: ['10.99.0.0/24'] }),
      addressPool: POOL,
      clientDnsServers: ['192.168.10.53'],
    };
    delete (ours as Record<string, unknown>).remotePort;
    const c = await lab.reset({
      ours: [ours],
      charon: charonConf({ localTs: 'dynamic', remoteTs: OURS.network, connectionSettings: { vips: '0.0.0.0' } }),
    });
    await lab.charon.initiate({ child: 'net' });
    const assigned = await lab.engine.waitFor('cfg.address.assigned');
    expect(assigned).toMatchObject({ tunnel: 'roaming', address: '10.99.0.1', pool: POOL, dnsServers: ['192.168.10.53'] });
    await c.waitForCharon(/installing new virtual IP 10\.99\.0\.1/);
    await c.waitForCharon(/CHILD_SA net\{\d+\} established .* 10\.99\.0\.1\/32 === 192\.168\.10\.0\/24/);
    const [sa] = await lab.charonSas();
    expect(sa?.childSas[0]).toMatchObject({ state: 'INSTALLED', localTs: ['10.99.0.1/32'], remoteTs: [OURS.network] });
    const [child] = await lab.engine.call('listChildSas');
    expect(child).toMatchObject({ state: 'installed', role: 'responder', remoteTs: ['10.99.0.1'] });
    const [ikeSa] = await lab.engine.call('listIkeSas');
    expect(ikeSa).toMatchObject({ virtualIp: '10.99.0.1' });
    // charon is a MOBIKE client: it lists its other addresses in N(ADD_4_ADDR). One of them is the
    // namespace's 192.168.10.1 (interface va), inside our local network: a real 13.6.1 duplication.
    // Its IKE source is not used: with non-standard ports NAT-D reports it as translated.
    expect(ikeSa).toMatchObject({ nat: { remote: true } });
    const overlap = await lab.engine.waitFor('roaming.address.overlap');
    expect(overlap).toMatchObject({
      tunnel: 'roaming',
      verdict: 'overlap',
      clientLocalAddress: '192.168.10.1',
      addressSource: 'additional_ip4_address',
      remoteNetwork: OURS.network,
      assignedAddress: '10.99.0.1',
    });
    const pair = await settledSnoopPair(lab.engine, c);
    expect(pair.ours).toEqual(pair.charon);
    expect(pair.charon.some((line) => /IKE_AUTH request 1 \[ .*CPRQ\(ADDR/.test(line))).toBe(true);
    expect(pair.charon.some((line) => /IKE_AUTH response 1 \[ .*CPRP\(ADDR DNS\)/.test(line))).toBe(true);
  });
});
