/**
 * Roaming clients in memory: a gateway with an address pool and several
 * engine clients that ask for a tunnel address (CFG_REQUEST), and the seed
 * 13.6.1 address-overlap check with the client's address learned from its
 * IKE source (no NAT), from ADDITIONAL_IP4_ADDRESS, or not at all (NAT).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import { seededEntropy } from '../ike/entropy.ts';
import type { GatewayEvent } from '../ike/core-io.ts';
import { IkeGateway } from './ike-gateway.ts';
import { gatewayConfig, ofType, tunnel } from './__tests__/two-gateways.ts';

const GATEWAY = '10.0.0.2';
const POOL = '10.99.0.0/29'; // usable: .1 - .6
const LAN = '192.168.10.0/24';

function roamingTunnel(overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  return tunnel({
    name: 'roaming',
    localEndpoint: GATEWAY,
    remoteEndpoint: 'none',
    localNetworks: [LAN],
    remoteNetworks: ['10.99.0.0/24'],
    addressPool: POOL,
    clientDnsServers: ['192.168.10.53'],
    ...overrides,
  });
}

function clientTunnel(address: string, overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  return tunnel({
    name: 'vpn',
    localEndpoint: address,
    remoteEndpoint: GATEWAY,
    localNetworks: ['10.99.0.0/24'],
    remoteNetworks: [LAN],
    requestVirtualIp: true,
    ...overrides,
  });
}

interface Node {
  gateway: IkeGateway;
  events: GatewayEvent[];
}

class Lab {
  readonly clock = new ManualClock();
  readonly network = new MemoryNetwork();
  private readonly nodes: IkeGateway[] = [];

  async node(address: string, config: GatewayConfig): Promise<Node> {
    const gateway = new IkeGateway({
      config,
      transport: new MemoryTransport(this.network, [address], config.engine.ikePort, config.engine.natTPort),
      clock: this.clock,
      entropy: seededEntropy(`roaming-${address}`),
    });
    const events: GatewayEvent[] = [];
    gateway.subscribe((e) => events.push(e));
    await gateway.start();
    gateway.snoop.setMode('brief');
    this.nodes.push(gateway);
    return { gateway, events };
  }

  async gatewayNode(overrides: Partial<TunnelConfig> = {}, extra: Partial<GatewayConfig> = {}): Promise<Node> {
    return this.node(GATEWAY, { ...gatewayConfig([roamingTunnel(overrides)]), ...extra });
  }

  async client(address: string, overrides: Partial<TunnelConfig> = {}): Promise<Node> {
    return this.node(address, gatewayConfig([clientTunnel(address, overrides)]));
  }

  connect(client: Node): void {
    expect(client.gateway.initiate('vpn')).toMatchObject({ ok: true });
    this.network.deliverAll();
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.stop();
  }
}

let lab: Lab;
afterEach(async () => {
  await lab.stop();
});

const HOSTS: GatewayConfig['hosts'] = [
  { name: 'printer', interface: 'int', address: '192.168.20.9', services: ['icmp'] },
  { name: 'fileserver', interface: 'int', address: '192.168.10.20', services: ['icmp', 'udp'] },
];

describe('address pool through IKEv2 configuration payloads', () => {
  it('a client asking for an address gets one from the pool; both CHILD_SA ends use it as the traffic selector', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode();
    const client = await lab.client('172.16.1.10');
    lab.connect(client);

    const assigned = ofType(gw.events, 'cfg.address.assigned');
    expect(assigned).toHaveLength(1);
    expect(assigned[0]).toMatchObject({ tunnel: 'roaming', address: '10.99.0.1', pool: POOL, dnsServers: ['192.168.10.53'] });
    const gwSa = gw.gateway.listIkeSas()[0]!;
    const clientSa = client.gateway.listIkeSas()[0]!;
    expect(gwSa).toMatchObject({ state: 'established', virtualIp: '10.99.0.1' });
    expect(assigned[0]!.ikeSaId).toBe(gwSa.id);
    expect(clientSa).toMatchObject({ state: 'established', virtualIp: '10.99.0.1' });
    // The client proposed 0.0.0.0/0 as TSi; the gateway narrowed it to the leased /32.
    expect(gw.gateway.listChildSas()[0]).toMatchObject({ state: 'installed', remoteTs: ['10.99.0.1'], localTs: ['192.168.10.0/24'] });
    expect(client.gateway.listChildSas()[0]).toMatchObject({ state: 'installed', localTs: ['10.99.0.1'], remoteTs: ['192.168.10.0/24'] });

    // Snoop shows the configuration payloads in strongSwan's notation.
    const lines = ofType(gw.events, 'snoop.message').map((e) => `${e.direction} ${e.summary}`);
    expect(lines).toContainEqual(expect.stringMatching(/^in IKE_AUTH request 1 \[ IDi N\(INIT_CONTACT\) AUTH CPRQ\(ADDR DNS\) SA TSi TSr \]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^out IKE_AUTH response 1 \[ IDr AUTH CPRP\(ADDR DNS\) SA TSi TSr N\(AUTH_LFT\) \]$/));
    const clientLog = ofType(client.events, 'log.event').find((e) => e.code === 'virtual_ip_assigned');
    expect(clientLog?.evidence).toMatchObject({ address: '10.99.0.1', dnsServers: ['192.168.10.53'] });
  });

  it('a CHILD_SA rekey keeps the virtual IP as the client side of the traffic selectors, from either end', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode();
    const client = await lab.client('172.16.1.10');
    lab.connect(client);
    const expectVirtualIpTs = () => {
      expect(client.gateway.listChildSas().map((c) => [c.state, c.localTs])).toEqual([['installed', ['10.99.0.1']]]);
      expect(gw.gateway.listChildSas().map((c) => [c.state, c.remoteTs])).toEqual([['installed', ['10.99.0.1']]]);
    };
    expectVirtualIpTs();

    // The client rekeys: it offers its address as TSi, not the configured 10.99.0.0/24.
    expect(client.gateway.rekeyChildSa(client.gateway.listChildSas()[0]!.id)).toMatchObject({ ok: true });
    lab.network.deliverAll();
    expect(ofType(client.events, 'child.sa.rekeyed')).toHaveLength(1);
    expectVirtualIpTs();

    // The gateway rekeys: it offers the lease as TSr, not the whole pool.
    expect(gw.gateway.rekeyChildSa(gw.gateway.listChildSas()[0]!.id)).toMatchObject({ ok: true });
    lab.network.deliverAll();
    expect(ofType(gw.events, 'child.sa.rekeyed')).toHaveLength(2);
    expectVirtualIpTs();
    expect(ofType(gw.events, 'child.rekey.failed')).toEqual([]);
    expect(ofType(client.events, 'child.rekey.failed')).toEqual([]);
  });

  it('two clients get different addresses; the address is freed when the IKE SA is deleted and the same identity gets it back', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode();
    const first = await lab.client('172.16.1.10');
    const second = await lab.client('172.16.1.11');
    lab.connect(first);
    lab.connect(second);
    expect(ofType(gw.events, 'cfg.address.assigned').map((e) => e.address)).toEqual(['10.99.0.1', '10.99.0.2']);
    expect(second.gateway.listChildSas()[0]).toMatchObject({ localTs: ['10.99.0.2'] });

    const firstSa = first.gateway.listIkeSas()[0]!;
    expect(first.gateway.deleteIkeSa(firstSa.id)).toMatchObject({ ok: true });
    lab.network.deliverAll();
    expect(gw.gateway.listIkeSas().map((sa) => sa.virtualIp)).toEqual(['10.99.0.2']);

    // A third client now gets the lowest free address that no other identity held before.
    const third = await lab.client('172.16.1.12');
    lab.connect(third);
    expect(ofType(gw.events, 'cfg.address.assigned').at(-1)).toMatchObject({ address: '10.99.0.3' });
    // The first client reconnects and gets its old address back.
    lab.connect(first);
    expect(ofType(gw.events, 'cfg.address.assigned').at(-1)).toMatchObject({ address: '10.99.0.1' });
    expect(first.gateway.listIkeSas()[0]).toMatchObject({ virtualIp: '10.99.0.1' });
  });

  it('the lease follows an IKE SA rekey and is freed when the new IKE SA goes', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode();
    const client = await lab.client('172.16.1.10');
    lab.connect(client);
    const old = gw.gateway.listIkeSas()[0]!;
    expect(gw.gateway.rekeyIkeSa(old.id)).toMatchObject({ ok: true });
    lab.network.deliverAll();
    const rekeyed = ofType(gw.events, 'ike.sa.rekeyed');
    expect(rekeyed).toHaveLength(1);
    const fresh = gw.gateway.listIkeSas().find((sa) => sa.id === rekeyed[0]!.newIkeSaId)!;
    expect(fresh).toMatchObject({ state: 'established', virtualIp: '10.99.0.1' });
    expect(gw.gateway.listIkeSas().map((sa) => sa.id)).toEqual([fresh.id]);
    // The address stays taken: a second client gets the next one.
    const second = await lab.client('172.16.1.11');
    lab.connect(second);
    expect(ofType(gw.events, 'cfg.address.assigned').at(-1)).toMatchObject({ address: '10.99.0.2' });
    expect(gw.gateway.deleteIkeSa(fresh.id)).toMatchObject({ ok: true });
    lab.network.deliverAll();
    const third = await lab.client('172.16.1.12');
    lab.connect(third);
    expect(ofType(gw.events, 'cfg.address.assigned').at(-1)).toMatchObject({ address: '10.99.0.3' });
    // 10.99.0.1 is free again, kept for its last identity while others are free.
    lab.connect(client);
    expect(ofType(gw.events, 'cfg.address.assigned').at(-1)).toMatchObject({ address: '10.99.0.1' });
  });

  it('skips addresses of the gateway and its simulated hosts inside the pool', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({}, {
      interfaces: [{ name: 'vpnpool', addresses: ['10.99.0.1/29'], description: '' }],
      hosts: [{ name: 'pool-host', interface: 'vpnpool', address: '10.99.0.2', services: ['icmp'] }],
    });
    const client = await lab.client('172.16.1.10');
    lab.connect(client);
    expect(ofType(gw.events, 'cfg.address.assigned')[0]).toMatchObject({ address: '10.99.0.3' });
  });

  it('pool exhausted: the IKE SA comes up, no address, no CHILD_SA, N(INTERNAL_ADDRESS_FAILURE) and a coded event', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({ addressPool: '10.99.0.4/31' }); // a /31: two addresses
    const clients = [await lab.client('172.16.1.10'), await lab.client('172.16.1.11'), await lab.client('172.16.1.12')];
    for (const client of clients) lab.connect(client);
    expect(ofType(gw.events, 'cfg.address.assigned').map((e) => e.address)).toEqual(['10.99.0.4', '10.99.0.5']);
    const exhausted = ofType(gw.events, 'log.event').filter((e) => e.code === 'address_pool_exhausted');
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]).toMatchObject({ severity: 'error', tunnel: 'roaming', evidence: { pool: '10.99.0.4/31', poolSize: 2, leased: 2, sentToPeer: 'INTERNAL_ADDRESS_FAILURE' } });
    expect(exhausted[0]!.message).toMatch(/exhausted \(2 of 2 addresses leased\)/);
    const lastGwSa = gw.gateway.listIkeSas().find((sa) => sa.id === exhausted[0]!.ikeSaId)!;
    expect(lastGwSa).toMatchObject({ state: 'established', childSaIds: [] });
    expect(lastGwSa.virtualIp).toBeUndefined();
    const failed = ofType(gw.events, 'child.negotiation.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'address_pool_exhausted', ikeSaId: lastGwSa.id });
    const lines = ofType(gw.events, 'snoop.message').map((e) => e.summary);
    expect(lines).toContainEqual(expect.stringMatching(/^IKE_AUTH response 1 \[ IDr AUTH N\(INT_ADDR_FAIL\) N\(AUTH_LFT\) \]$/));
    // The third client is up without a tunnel address and without a CHILD_SA.
    const third = clients[2]!;
    expect(third.gateway.listIkeSas()[0]).toMatchObject({ state: 'established' });
    expect(third.gateway.listIkeSas()[0]!.virtualIp).toBeUndefined();
    expect(third.gateway.listChildSas()).toEqual([]);
    expect(ofType(third.events, 'log.event').map((e) => e.code)).toContain('virtual_ip_not_assigned');
  });

  it('a tunnel without a pool ignores the request and says so', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({ addressPool: '', remoteNetworks: ['0.0.0.0/0'] });
    const client = await lab.client('172.16.1.10');
    lab.connect(client);
    expect(ofType(gw.events, 'cfg.address.assigned')).toEqual([]);
    expect(ofType(gw.events, 'log.event').map((e) => e.code)).toContain('cfg_request_ignored');
    expect(gw.gateway.listIkeSas()[0]!.virtualIp).toBeUndefined();
  });
});

describe('13.6.1 roaming client address overlap', () => {
  it('detected from the IKE source address when NAT-D shows no NAT; the route command is computed from the observed addresses', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({}, { hosts: HOSTS });
    const client = await lab.client('192.168.10.7');
    lab.connect(client);
    const overlap = ofType(gw.events, 'roaming.address.overlap');
    expect(overlap).toHaveLength(1);
    expect(overlap[0]).toMatchObject({
      verdict: 'overlap',
      tunnel: 'roaming',
      clientLocalAddress: '192.168.10.7',
      addressSource: 'ike_source',
      remoteNetwork: LAN,
      assignedAddress: '10.99.0.1',
      server: '192.168.10.20',
      routeCommand: 'route add 192.168.10.20 mask 255.255.255.255 10.99.0.1',
    });
    expect(overlap[0]!.message).toMatch(/192\.168\.10\.7 .*inside 192\.168\.10\.0\/24/);
  });

  it('no overlap when the client\'s IKE source lies outside the tunnel\'s networks', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({}, { hosts: HOSTS });
    const client = await lab.client('172.16.1.10');
    lab.connect(client);
    const overlap = ofType(gw.events, 'roaming.address.overlap');
    expect(overlap).toHaveLength(1);
    expect(overlap[0]).toMatchObject({ verdict: 'no_overlap', clientLocalAddress: '172.16.1.10', addressSource: 'ike_source', assignedAddress: '10.99.0.1' });
    expect(overlap[0]!.routeCommand).toBeUndefined();
  });

  /** A NAT in front of the client: 172.16.5.5:p <-> 10.0.0.99:p+10000. */
  function natInFront(clientAddress: string): void {
    lab.network.filter = (d) => {
      if (d.from.address === clientAddress) return [{ ...d, from: { address: '10.0.0.99', port: d.from.port + 10000 } }];
      if (d.to.address === '10.0.0.99') return [{ ...d, to: { address: clientAddress, port: d.to.port - 10000 } }];
      return [d];
    };
  }

  it('behind a NAT, detected from the client\'s ADDITIONAL_IP4_ADDRESS notifies', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({}, { hosts: HOSTS });
    const client = await lab.client('172.16.5.5', { additionalAddresses: ['192.168.10.33'] });
    natInFront('172.16.5.5');
    lab.connect(client);
    expect(gw.gateway.listIkeSas()[0]).toMatchObject({ nat: { side: 'remote' }, remote: { address: '10.0.0.99' } });
    const overlap = ofType(gw.events, 'roaming.address.overlap');
    expect(overlap[0]).toMatchObject({
      verdict: 'overlap',
      clientLocalAddress: '192.168.10.33',
      addressSource: 'additional_ip4_address',
      remoteNetwork: LAN,
      server: '192.168.10.20',
      routeCommand: 'route add 192.168.10.20 mask 255.255.255.255 10.99.0.1',
    });
    const lines = ofType(gw.events, 'snoop.message').map((e) => e.summary);
    expect(lines).toContainEqual(expect.stringMatching(/^IKE_AUTH request 1 \[ IDi N\(INIT_CONTACT\) AUTH CPRQ\(ADDR DNS\) SA TSi TSr N\(ADD_4_ADDR\) \]$/));
  });

  it('behind a NAT without notifies: cannot_verify, saying why', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({}, { hosts: HOSTS });
    const client = await lab.client('172.16.5.5');
    natInFront('172.16.5.5');
    lab.connect(client);
    const overlap = ofType(gw.events, 'roaming.address.overlap');
    expect(overlap).toHaveLength(1);
    expect(overlap[0]).toMatchObject({ verdict: 'cannot_verify', addressSource: 'none', assignedAddress: '10.99.0.1' });
    expect(overlap[0]!.clientLocalAddress).toBeUndefined();
    expect(overlap[0]!.message).toMatch(/behind a NAT .*10\.0\.0\.99.*no ADDITIONAL_IP4_ADDRESS/);
  });

  it('without a simulated host in the network, the server is the gateway\'s own interface address there', async () => {
    lab = new Lab();
    const gw = await lab.gatewayNode({}, { interfaces: [{ name: 'int', addresses: ['192.168.10.1/24'], description: '' }] });
    const client = await lab.client('192.168.10.7');
    lab.connect(client);
    expect(ofType(gw.events, 'roaming.address.overlap')[0]).toMatchObject({
      verdict: 'overlap',
      server: '192.168.10.1',
      routeCommand: 'route add 192.168.10.1 mask 255.255.255.255 10.99.0.1',
    });
  });
});
