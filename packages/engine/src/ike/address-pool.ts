/**
 * Address pools for roaming clients (IKEv2 configuration payloads, RFC 7296
 * §2.19): one lease table per pool reference (an address book name or a
 * CIDR), shared by every tunnel that names the same pool.
 *
 *   lease(pool, networks, owner)
 *     owner already holds an address of this pool  -> that address
 *     the identity held an address before, free    -> that address again
 *     else the first free address, network order   -> new lease
 *     none free                                    -> exhausted (size, in use)
 *   release(ikeSaId)             (IKE SA deleted)  -> address free again
 *   transfer(oldId, newId)       (IKE SA rekeyed)  -> lease moves to the new SA
 *
 * Usable addresses: IPv4 only; in a network of /30 or larger the network and
 * broadcast addresses are skipped (a /31 uses both, RFC 3021; a /32 is the
 * one address); addresses the caller reserves (the gateway's interface
 * addresses, simulated hosts) are never leased. Pure bookkeeping: no clock,
 * no IO; the caller passes `now`.
 */
import type { IpNetwork } from '../config/ip-address.ts';
import { formatIpAddress } from '../config/ip-address.ts';

/** One address given to one IKE SA. */
export interface PoolLease {
  readonly pool: string;
  readonly address: string;
  ikeSaId: string;
  readonly identity: string;
  readonly tunnel: string;
  readonly leasedAt: number;
}

export interface LeaseRequest {
  /** The pool reference as configured (the lease table's key). */
  pool: string;
  /** The pool's networks, resolved from the address book. */
  networks: readonly IpNetwork[];
  /** Canonical addresses that may not be handed out. */
  reserved: ReadonlySet<string>;
  ikeSaId: string;
  /** The peer's authenticated identity ("sticky" address per identity). */
  identity: string;
  tunnel: string;
  now: number;
}

export type LeaseOutcome =
  | { ok: true; lease: PoolLease; reused: boolean }
  | { ok: false; reason: 'exhausted' | 'no_ipv4_addresses'; size: number; inUse: number };

/** Largest number of candidate addresses looked at per lease (a /8 pool is not walked end to end). */
const MAX_SCAN = 1 << 20;

/** The usable host addresses of one IPv4 network as an inclusive numeric range. */
export function usableRange(network: IpNetwork): { start: bigint; end: bigint } | undefined {
  if (network.family !== 4) return undefined;
  const size = 1n << BigInt(32 - network.prefixLength);
  const first = network.address;
  const last = network.address + size - 1n;
  if (network.prefixLength >= 31) return { start: first, end: last };
  return { start: first + 1n, end: last - 1n };
}

/** How many addresses a pool can hand out at most (before reservations). */
export function poolSize(networks: readonly IpNetwork[]): number {
  let total = 0n;
  for (const network of networks) {
    const range = usableRange(network);
    if (range) total += range.end - range.start + 1n;
  }
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(total);
}

function v4Text(value: bigint): string {
  return formatIpAddress({ family: 4, value });
}

export class AddressPools {
  /** pool -> address -> lease. */
  private readonly tables = new Map<string, Map<string, PoolLease>>();
  private readonly byIkeSa = new Map<string, PoolLease>();
  /** `${pool}\n${identity}` -> the address that identity last held. */
  private readonly lastAddressOf = new Map<string, string>();
  /** `${pool}\n${address}` -> the identity that held it last. */
  private readonly rememberedFor = new Map<string, string>();

  private table(pool: string): Map<string, PoolLease> {
    let table = this.tables.get(pool);
    if (!table) {
      table = new Map();
      this.tables.set(pool, table);
    }
    return table;
  }

  lease(request: LeaseRequest): LeaseOutcome {
    const held = this.byIkeSa.get(request.ikeSaId);
    if (held && held.pool === request.pool) return { ok: true, lease: held, reused: true };
    if (held) this.release(request.ikeSaId);
    const table = this.table(request.pool);
    const inPool = (text: string): boolean => {
      const octets = text.split('.').map(Number);
      if (octets.length !== 4) return false;
      const value = octets.reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
      return request.networks.some((network) => {
        const range = usableRange(network);
        return range !== undefined && range.start <= value && value <= range.end;
      });
    };
    const free = (text: string): boolean => !table.has(text) && !request.reserved.has(text);
    const stickyKey = `${request.pool}\n${request.identity}`;
    const previous = this.lastAddressOf.get(stickyKey);
    if (previous !== undefined && free(previous) && inPool(previous)) {
      return { ok: true, lease: this.record(table, stickyKey, previous, request), reused: true };
    }
    let scanned = 0;
    for (const network of request.networks) {
      const range = usableRange(network);
      if (!range) continue;
      for (let value = range.start; value <= range.end && scanned < MAX_SCAN; value++, scanned++) {
        const text = v4Text(value);
        // An address another identity held last stays theirs while others are free.
        if (free(text) && !this.remembersOther(request.pool, text, request.identity)) {
          return { ok: true, lease: this.record(table, stickyKey, text, request), reused: false };
        }
      }
    }
    // Every address is taken or remembered for someone: hand out a remembered one that is free.
    for (const network of request.networks) {
      const range = usableRange(network);
      if (!range) continue;
      for (let value = range.start; value <= range.end && scanned < 2 * MAX_SCAN; value++, scanned++) {
        const text = v4Text(value);
        if (free(text)) return { ok: true, lease: this.record(table, stickyKey, text, request), reused: false };
      }
    }
    const size = poolSize(request.networks);
    return { ok: false, reason: size === 0 ? 'no_ipv4_addresses' : 'exhausted', size, inUse: table.size };
  }

  private remembersOther(pool: string, address: string, identity: string): boolean {
    const owner = this.rememberedFor.get(`${pool}\n${address}`);
    return owner !== undefined && owner !== identity;
  }

  private record(table: Map<string, PoolLease>, stickyKey: string, address: string, request: LeaseRequest): PoolLease {
    const lease: PoolLease = { pool: request.pool, address, ikeSaId: request.ikeSaId, identity: request.identity, tunnel: request.tunnel, leasedAt: request.now };
    table.set(address, lease);
    this.byIkeSa.set(request.ikeSaId, lease);
    const before = this.lastAddressOf.get(stickyKey);
    if (before !== undefined && this.rememberedFor.get(`${request.pool}\n${before}`) === request.identity) {
      this.rememberedFor.delete(`${request.pool}\n${before}`);
    }
    this.lastAddressOf.set(stickyKey, address);
    this.rememberedFor.set(`${request.pool}\n${address}`, request.identity);
    return lease;
  }

  /** Frees the address of an IKE SA; returns the lease it had. */
  release(ikeSaId: string): PoolLease | undefined {
    const lease = this.byIkeSa.get(ikeSaId);
    if (!lease) return undefined;
    this.byIkeSa.delete(ikeSaId);
    const table = this.tables.get(lease.pool);
    if (table?.get(lease.address) === lease) table.delete(lease.address);
    return lease;
  }

  /** The lease follows its client to the IKE SA that replaced the old one (rekey). */
  transfer(fromIkeSaId: string, toIkeSaId: string): PoolLease | undefined {
    const lease = this.byIkeSa.get(fromIkeSaId);
    if (!lease) return undefined;
    this.byIkeSa.delete(fromIkeSaId);
    lease.ikeSaId = toIkeSaId;
    this.byIkeSa.set(toIkeSaId, lease);
    return lease;
  }

  leaseOf(ikeSaId: string): PoolLease | undefined {
    return this.byIkeSa.get(ikeSaId);
  }

  /** Every active lease (for views and tests), pool by pool in lease order. */
  leases(): PoolLease[] {
    return [...this.tables.values()].flatMap((table) => [...table.values()]);
  }
}
