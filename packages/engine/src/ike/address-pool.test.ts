import { describe, expect, it } from 'vitest';
import { parseCidr, type IpNetwork } from '../config/ip-address.ts';
import { AddressPools, poolSize, usableRange, type LeaseRequest } from './address-pool.ts';

function networks(...texts: string[]): IpNetwork[] {
  return texts.map((text) => parseCidr(text)!.network);
}

function request(pool: string, nets: IpNetwork[], ikeSaId: string, identity: string, reserved: string[] = []): LeaseRequest {
  return { pool, networks: nets, reserved: new Set(reserved), ikeSaId, identity, tunnel: 'roaming', now: 1000 };
}

function leased(outcome: ReturnType<AddressPools['lease']>): string {
  if (!outcome.ok) throw new Error(`no lease: ${outcome.reason}`);
  return outcome.lease.address;
}

describe('usable pool addresses', () => {
  it('skips network and broadcast addresses, except in /31 and /32', () => {
    expect(poolSize(networks('10.1.0.0/24'))).toBe(254);
    expect(poolSize(networks('10.1.0.0/30'))).toBe(2);
    expect(poolSize(networks('10.1.0.4/31'))).toBe(2);
    expect(poolSize(networks('10.1.0.9/32'))).toBe(1);
    expect(poolSize(networks('10.1.0.0/29', '10.2.0.0/30'))).toBe(8);
    expect(poolSize(networks('2001:db8::/64'))).toBe(0);
    expect(usableRange(networks('10.1.0.0/30')[0]!)).toEqual({ start: 0x0a010001n, end: 0x0a010002n });
  });
});

describe('AddressPools', () => {
  const pool = networks('10.1.0.0/29'); // .1 - .6

  it('leases the first free address, skips reserved ones, and gives the same SA its lease again', () => {
    const pools = new AddressPools();
    expect(leased(pools.lease(request('p', pool, 'ike-1', 'alice', ['10.1.0.1'])))).toBe('10.1.0.2');
    expect(leased(pools.lease(request('p', pool, 'ike-2', 'bob', ['10.1.0.1'])))).toBe('10.1.0.3');
    expect(pools.lease(request('p', pool, 'ike-1', 'alice'))).toMatchObject({ ok: true, reused: true, lease: { address: '10.1.0.2' } });
    expect(pools.leases().map((l) => [l.address, l.ikeSaId])).toEqual([['10.1.0.2', 'ike-1'], ['10.1.0.3', 'ike-2']]);
  });

  it('release frees; the same identity gets its address back, others avoid it while they can', () => {
    const pools = new AddressPools();
    leased(pools.lease(request('p', pool, 'ike-1', 'alice')));
    leased(pools.lease(request('p', pool, 'ike-2', 'bob')));
    expect(pools.release('ike-1')).toMatchObject({ address: '10.1.0.1', identity: 'alice' });
    expect(pools.release('ike-1')).toBeUndefined();
    expect(leased(pools.lease(request('p', pool, 'ike-3', 'carol')))).toBe('10.1.0.3');
    expect(leased(pools.lease(request('p', pool, 'ike-4', 'alice')))).toBe('10.1.0.1');
  });

  it('hands out a remembered address once nothing else is free', () => {
    const pools = new AddressPools();
    const tiny = networks('10.1.0.4/31');
    leased(pools.lease(request('p', tiny, 'ike-1', 'alice')));
    leased(pools.lease(request('p', tiny, 'ike-2', 'bob')));
    pools.release('ike-1');
    expect(leased(pools.lease(request('p', tiny, 'ike-3', 'carol')))).toBe('10.1.0.4');
    // alice's address went to carol: releasing bob's does not forget carol's claim.
    pools.release('ike-2');
    expect(leased(pools.lease(request('p', tiny, 'ike-4', 'alice')))).toBe('10.1.0.5');
  });

  it('reports exhaustion with size and leases, and an IPv6-only pool as having no IPv4 addresses', () => {
    const pools = new AddressPools();
    const tiny = networks('10.1.0.9/32');
    leased(pools.lease(request('p', tiny, 'ike-1', 'alice')));
    expect(pools.lease(request('p', tiny, 'ike-2', 'bob'))).toEqual({ ok: false, reason: 'exhausted', size: 1, inUse: 1 });
    expect(pools.lease(request('v6', networks('2001:db8::/64'), 'ike-3', 'carol'))).toEqual({ ok: false, reason: 'no_ipv4_addresses', size: 0, inUse: 0 });
  });

  it('pools are separate tables; transfer moves a lease to the replacing SA', () => {
    const pools = new AddressPools();
    expect(leased(pools.lease(request('a', pool, 'ike-1', 'alice')))).toBe('10.1.0.1');
    expect(leased(pools.lease(request('b', networks('10.2.0.0/30'), 'ike-2', 'alice')))).toBe('10.2.0.1');
    expect(pools.transfer('ike-1', 'ike-9')).toMatchObject({ address: '10.1.0.1', ikeSaId: 'ike-9' });
    expect(pools.leaseOf('ike-1')).toBeUndefined();
    expect(pools.release('ike-9')).toMatchObject({ address: '10.1.0.1' });
    expect(leased(pools.lease(request('a', pool, 'ike-10', 'alice')))).toBe('10.1.0.1');
  });
});
