import { describe, expect, it } from 'vitest';
import { IdType } from '@tunnelscope/ike';
import type { TunnelConfig } from '@tunnelscope/api';
import { parseCidr, type IpNetwork } from '../config/ip-address.ts';
import { identityToWire, type PeerIdentity } from './identity-matcher.ts';
import {
  reselectTunnelForAuth,
  selectTunnelForInit,
  selectTunnelForTrafficSelectors,
  type SelectableTunnel,
  type TunnelWithNetworks,
} from './select-tunnel.ts';
import { trafficSelectorForNetwork } from './traffic-selectors.ts';

type Tunnel = SelectableTunnel & Pick<TunnelConfig, 'responderPolicy'>;

function tunnel(name: string, overrides: Partial<Tunnel> = {}): Tunnel {
  return {
    name,
    enabled: true,
    localEndpoint: '172.22.53.18',
    remoteEndpoint: '172.22.53.23',
    remoteId: { type: 'ipv4', value: '172.22.53.23' },
    ikeVersion: 2,
    responderPolicy: 'strict',
    ...overrides,
  };
}

const peer = { remoteAddress: '172.22.53.23', localAddress: '172.22.53.18' };
const fqdn = (name: string): PeerIdentity => ({ idType: IdType.FQDN, data: new TextEncoder().encode(name) });
const peerAddressId = identityToWire({ type: 'ipv4', value: '172.22.53.23' }) as PeerIdentity;

/** The seed's trap: a roaming tunnel (remote network all-nets-ip4, endpoint none, id any) above the specific one. */
const roaming = tunnel('roadwarriors', { remoteEndpoint: 'none', remoteId: { type: 'any', value: '' } });
const specific = tunnel('hq');

describe('selectTunnelForInit', () => {
  it('scans top to bottom and picks the first tunnel whose remote gateway matches', () => {
    const { tunnel: chosen, record } = selectTunnelForInit([tunnel('other', { remoteEndpoint: '10.0.0.1' }), specific], peer);
    expect(chosen?.name).toBe('hq');
    expect(record).toMatchObject({ phase: 'IKE_SA_INIT', outcome: 'selected', tunnel: 'hq', tunnelIndex: 1, previousTunnel: null });
    expect(record.trace).toEqual([
      { index: 0, tunnel: 'other', verdict: 'skipped', reason: 'remote endpoint 10.0.0.1 is not 172.22.53.23' },
      { index: 1, tunnel: 'hq', verdict: 'selected', reason: 'remote endpoint 172.22.53.23 matches' },
    ]);
  });

  it('reproduces the seed\'s trap: the roaming tunnel above is selected for the specific peer', () => {
    const { tunnel: chosen, record } = selectTunnelForInit([roaming, specific], peer);
    expect(chosen?.name).toBe('roadwarriors');
    expect(record.reason).toContain('remote endpoint none (roaming) matches any gateway');
    expect(record.reason).toContain('"hq" below it names 172.22.53.23 exactly but is not reached here');
    expect(record.trace[1]).toMatchObject({ tunnel: 'hq', verdict: 'shadowed' });
  });

  it('picks the specific tunnel when it is above the roaming one', () => {
    expect(selectTunnelForInit([specific, roaming], peer).tunnel?.name).toBe('hq');
  });

  it('skips disabled tunnels, other local endpoints and IKEv1 tunnels', () => {
    const { tunnel: chosen, record } = selectTunnelForInit(
      [tunnel('off', { enabled: false }), tunnel('v1', { ikeVersion: 1 }), tunnel('elsewhere', { localEndpoint: '10.9.9.9' }), specific],
      peer,
    );
    expect(chosen?.name).toBe('hq');
    expect(record.trace.map((step) => step.reason)).toEqual([
      'disabled',
      'IKEv1 tunnel, the request is IKEv2',
      'local endpoint 10.9.9.9 is not 172.22.53.18',
      'remote endpoint 172.22.53.23 matches',
    ]);
  });

  it('treats IPv4-mapped IPv6 peer addresses as IPv4', () => {
    expect(selectTunnelForInit([specific], { remoteAddress: '::ffff:172.22.53.23', localAddress: '::ffff:172.22.53.18' }).tunnel?.name).toBe('hq');
  });

  it('reports when nothing matches', () => {
    const { tunnel: chosen, record } = selectTunnelForInit([specific], { ...peer, remoteAddress: '10.1.1.1' });
    expect(chosen).toBeUndefined();
    expect(record).toMatchObject({ outcome: 'none', tunnel: null, tunnelIndex: null });
    expect(record.reason).toBe('no enabled tunnel matches remote gateway 10.1.1.1 on 172.22.53.18');
  });
});

describe('reselectTunnelForAuth', () => {
  it('keeps the roaming tunnel in the trap: its identity "any" matches the peer (so the PSK check fails)', () => {
    const { tunnel: chosen, record } = reselectTunnelForAuth([roaming, specific], 'roadwarriors', peerAddressId, peer);
    expect(chosen?.name).toBe('roadwarriors');
    expect(record.outcome).toBe('kept');
    expect(record.reason).toBe('IDi ipv4:172.22.53.23 matches the remote identity of "roadwarriors" (any); selection kept');
  });

  it('switches only when IDi does not match the selected tunnel but matches another', () => {
    const road = tunnel('road', { remoteEndpoint: 'none', remoteId: { type: 'email', value: '*@roam.example.com' } });
    const hq = tunnel('hq', { remoteId: { type: 'fqdn', value: 'branch.example.com' } });
    const { tunnel: chosen, record } = reselectTunnelForAuth([road, hq], 'road', fqdn('branch.example.com'), peer);
    expect(chosen?.name).toBe('hq');
    expect(record).toMatchObject({ phase: 'IKE_AUTH', outcome: 'switched', tunnel: 'hq', previousTunnel: 'road', tunnelIndex: 1 });
    expect(record.trace.map((step) => [step.tunnel, step.verdict])).toEqual([
      ['road', 'skipped'],
      ['hq', 'selected'],
    ]);
  });

  it('scans in list order again, including tunnels above the selected one, and requires the gateway to match', () => {
    const wrongGateway = tunnel('a', { remoteEndpoint: '10.0.0.9', remoteId: { type: 'fqdn', value: 'branch.example.com' } });
    const right = tunnel('b', { remoteEndpoint: 'none', remoteId: { type: 'fqdn', value: '*.example.com' } });
    const selected = tunnel('c', { remoteId: { type: 'fqdn', value: 'other.example.com' } });
    const { tunnel: chosen, record } = reselectTunnelForAuth([wrongGateway, right, selected], 'c', fqdn('branch.example.com'), peer);
    expect(chosen?.name).toBe('b');
    expect(record.trace).toEqual([
      { index: 0, tunnel: 'a', verdict: 'skipped', reason: 'remote endpoint 10.0.0.9 is not 172.22.53.23' },
      { index: 1, tunnel: 'b', verdict: 'selected', reason: expect.stringContaining('matches "*.example.com"') },
      { index: 2, tunnel: 'c', verdict: 'skipped', reason: 'fqdn "branch.example.com" is not "other.example.com"' },
    ]);
  });

  it('keeps the selection, flagged, when no tunnel matches the identity', () => {
    const { tunnel: chosen, record } = reselectTunnelForAuth([specific], 'hq', fqdn('stranger.example.com'), peer);
    expect(chosen?.name).toBe('hq');
    expect(record.outcome).toBe('kept-without-identity-match');
    expect(record.reason).toContain('the peer cannot be authenticated');
  });
});

function withNetworks(t: Tunnel, local: string[], remote: string[]): TunnelWithNetworks<Tunnel> {
  const net = (text: string): IpNetwork => {
    const parsed = parseCidr(text);
    if (parsed === undefined) throw new Error(text);
    return parsed.network;
  };
  return { tunnel: t, local: local.map(net), remote: remote.map(net) };
}

const ts = (text: string) => {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(text);
  return trafficSelectorForNetwork(parsed.network);
};

describe('selectTunnelForTrafficSelectors', () => {
  const hq = withNetworks(tunnel('hq'), ['192.168.10.0/24'], ['10.10.10.0/24']);
  const hqLab = withNetworks(tunnel('hq-lab'), ['192.168.20.0/24'], ['10.10.20.0/24']);
  const strangers = withNetworks(tunnel('strangers', { remoteId: { type: 'fqdn', value: 'x' } }), ['192.168.30.0/24'], ['10.10.30.0/24']);

  it('stays on the IKE SA\'s tunnel when the selectors fit it', () => {
    const result = selectTunnelForTrafficSelectors([hq, hqLab], 'hq', { tsi: [ts('10.10.10.0/24')], tsr: [ts('192.168.10.0/24')] }, { ...peer, identity: peerAddressId });
    expect(result.tunnel?.name).toBe('hq');
    expect(result.verdict).toMatchObject({ outcome: 'accepted', fit: 'exact' });
    expect(result.record).toMatchObject({ phase: 'CHILD_SA', outcome: 'selected', tunnel: 'hq', previousTunnel: 'hq' });
  });

  it('moves the CHILD_SA to a tunnel of the same peer whose networks fit', () => {
    const result = selectTunnelForTrafficSelectors([hq, hqLab], 'hq', { tsi: [ts('10.10.20.0/24')], tsr: [ts('192.168.20.0/24')] }, { ...peer, identity: peerAddressId });
    expect(result.tunnel?.name).toBe('hq-lab');
    expect(result.record.reason).toContain('CHILD_SA moved');
  });

  it('does not move to a tunnel of another peer identity', () => {
    const result = selectTunnelForTrafficSelectors([hq, strangers], 'hq', { tsi: [ts('10.10.30.0/24')], tsr: [ts('192.168.30.0/24')] }, { ...peer, identity: peerAddressId });
    expect(result.tunnel).toBeUndefined();
    expect(result.verdict).toMatchObject({ outcome: 'refused', notify: 'TS_UNACCEPTABLE' });
    expect(result.record.trace.find((step) => step.tunnel === 'strangers')?.reason).toMatch(/^another peer: /);
  });

  it('prefers an exact fit over the IKE SA\'s tunnel accepting a subset', () => {
    const wide = withNetworks(tunnel('wide'), ['192.168.0.0/16'], ['10.10.0.0/16']);
    const exact = withNetworks(tunnel('exact'), ['192.168.10.0/24'], ['10.10.10.0/24']);
    const result = selectTunnelForTrafficSelectors([wide, exact], 'wide', { tsi: [ts('10.10.10.0/24')], tsr: [ts('192.168.10.0/24')] }, { ...peer, identity: peerAddressId });
    expect(result.tunnel?.name).toBe('exact');
  });
});
