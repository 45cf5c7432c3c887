/**
 * Connection tracking for up to 1,000,000 flows, as struct-of-arrays.
 *
 * A flow is one connection: the forward direction (as its first packet
 * travelled) and, except for ESP, the reverse direction (the replies).
 * Each flow lives in a slot; every field is a column (typed array) indexed
 * by slot, so a million flows cost a fixed number of arrays rather than a
 * million objects. Strings (rule, tunnel, CHILD_SA) are interned.
 *
 * Lookup: an open-addressing hash index (linear probing, backward-shift
 * deletion, load <= 1/2) maps a 5-tuple to `slot * 2 + direction` —
 * direction 0 is the forward key (proto, src, dst, sport, dport), 1 the
 * reverse key (proto, dst, src, reverse sport, reverse dport). ESP flows
 * have no reverse key: an ESP flow is unidirectional, keyed by SPI.
 *
 * Expiry is the caller's clock: `expire(now)` removes every flow whose
 * `expiresAt` has passed and returns the next expiry, so the data plane
 * can both sweep lazily (before reading) and arm one timer.
 *
 * Queries (`flow -show` filters, REST FlowQuery) scan the columns and keep
 * the first page with a bounded heap: O(n log k) for a page of k rows.
 */
import type { Ipv4Network } from './ipv4-address.ts';

export const DEFAULT_MAX_FLOWS = 1_000_000;
const INITIAL_SLOTS = 1024;

/** What a new flow needs; interfaces are InterfaceTable ids. */
export interface NewFlow {
  readonly protocol: number;
  readonly source: number;
  readonly destination: number;
  readonly sourcePort: number;
  /** ESP: the SPI. */
  readonly destinationPort: number;
  readonly hasReverse: boolean;
  /** Ports the replies carry (source port of a reply, destination port of a reply). */
  readonly reverseSourcePort: number;
  readonly reverseDestinationPort: number;
  readonly sourceInterface: number;
  readonly destinationInterface: number;
  /** Where replies leave (route lookup of the source at creation; 13.6.5 when it differs from sourceInterface). */
  readonly reverseInterface: number;
  readonly timeoutMs: number;
  readonly rule?: string | undefined;
  readonly tunnel?: string | undefined;
  readonly childSaId?: string | undefined;
  /** Bytes of the first packet (counted as the first forward packet); 0 for none. */
  readonly bytes: number;
  /** 0 = not counted (ESP observations count themselves). */
  readonly packets: number;
}

export type FlowSortField = 'protocol' | 'source' | 'destination' | 'timeout' | 'created' | 'lastSeen' | 'packets' | 'bytes';

/** Every field optional; all given ones must match (AND). Interfaces are ids; -1 matches nothing. */
export interface CompiledFlowFilter {
  readonly protocol?: number;
  readonly sourceInterface?: number;
  readonly destinationInterface?: number;
  readonly sourceNetwork?: Ipv4Network;
  readonly destinationNetwork?: Ipv4Network;
  readonly sourcePort?: number;
  readonly destinationPort?: number;
}

export interface FlowQueryOptions {
  readonly sort?: FlowSortField;
  readonly order?: 'asc' | 'desc';
  readonly offset?: number;
  readonly limit?: number;
}

function hashTuple(protocol: number, source: number, destination: number, sourcePort: number, destinationPort: number): number {
  let h = Math.imul(source ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ destination, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((sourcePort << 16) | (destinationPort & 0xffff)), 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ (destinationPort >>> 16) ^ (protocol << 24), 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

export class FlowTable {
  readonly maxFlows: number;
  private slots = 0;
  private highWater = 0;
  private count = 0;
  private nextId = 1;
  private freeSlots: number[] = [];

  // Columns (one entry per slot).
  alive = new Uint8Array(0);
  protocol = new Uint8Array(0);
  hasReverse = new Uint8Array(0);
  source = new Uint32Array(0);
  destination = new Uint32Array(0);
  sourcePort = new Uint32Array(0);
  destinationPort = new Uint32Array(0);
  reverseSourcePort = new Uint32Array(0);
  reverseDestinationPort = new Uint32Array(0);
  sourceInterface = new Uint16Array(0);
  destinationInterface = new Uint16Array(0);
  reverseInterface = new Uint16Array(0);
  rule = new Int32Array(0);
  tunnel = new Int32Array(0);
  childSa = new Int32Array(0);
  id = new Float64Array(0);
  createdAt = new Float64Array(0);
  lastSeenAt = new Float64Array(0);
  expiresAt = new Float64Array(0);
  timeoutMs = new Float64Array(0);
  packets = new Float64Array(0);
  bytes = new Float64Array(0);
  reversePackets = new Float64Array(0);
  reverseBytes = new Float64Array(0);

  private index = new Int32Array(0);
  private indexMask = 0;
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  constructor(options: { maxFlows?: number } = {}) {
    this.maxFlows = options.maxFlows ?? DEFAULT_MAX_FLOWS;
    this.growTo(Math.min(INITIAL_SLOTS, this.maxFlows));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the columns and the index (for the benchmark and counters). */
  get allocatedBytes(): number {
    let total = this.index.byteLength;
    for (const column of this.columns()) total += column.byteLength;
    return total;
  }

  private columns(): (Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array)[] {
    return [
      this.alive, this.protocol, this.hasReverse, this.source, this.destination, this.sourcePort, this.destinationPort,
      this.reverseSourcePort, this.reverseDestinationPort, this.sourceInterface, this.destinationInterface,
      this.reverseInterface, this.rule, this.tunnel, this.childSa, this.id, this.createdAt, this.lastSeenAt,
      this.expiresAt, this.timeoutMs, this.packets, this.bytes, this.reversePackets, this.reverseBytes,
    ];
  }

  private growTo(slots: number): void {
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(slots);
      next.set(old);
      return next;
    };
    this.alive = grow(this.alive, (n) => new Uint8Array(n));
    this.protocol = grow(this.protocol, (n) => new Uint8Array(n));
    this.hasReverse = grow(this.hasReverse, (n) => new Uint8Array(n));
    this.source = grow(this.source, (n) => new Uint32Array(n));
    this.destination = grow(this.destination, (n) => new Uint32Array(n));
    this.sourcePort = grow(this.sourcePort, (n) => new Uint32Array(n));
    this.destinationPort = grow(this.destinationPort, (n) => new Uint32Array(n));
    this.reverseSourcePort = grow(this.reverseSourcePort, (n) => new Uint32Array(n));
    this.reverseDestinationPort = grow(this.reverseDestinationPort, (n) => new Uint32Array(n));
    this.sourceInterface = grow(this.sourceInterface, (n) => new Uint16Array(n));
    this.destinationInterface = grow(this.destinationInterface, (n) => new Uint16Array(n));
    this.reverseInterface = grow(this.reverseInterface, (n) => new Uint16Array(n));
    this.rule = grow(this.rule, (n) => new Int32Array(n));
    this.tunnel = grow(this.tunnel, (n) => new Int32Array(n));
    this.childSa = grow(this.childSa, (n) => new Int32Array(n));
    this.id = grow(this.id, (n) => new Float64Array(n));
    this.createdAt = grow(this.createdAt, (n) => new Float64Array(n));
    this.lastSeenAt = grow(this.lastSeenAt, (n) => new Float64Array(n));
    this.expiresAt = grow(this.expiresAt, (n) => new Float64Array(n));
    this.timeoutMs = grow(this.timeoutMs, (n) => new Float64Array(n));
    this.packets = grow(this.packets, (n) => new Float64Array(n));
    this.bytes = grow(this.bytes, (n) => new Float64Array(n));
    this.reversePackets = grow(this.reversePackets, (n) => new Float64Array(n));
    this.reverseBytes = grow(this.reverseBytes, (n) => new Float64Array(n));
    this.slots = slots;
    // Two keys per flow at load <= 1/2: four index entries per slot.
    let indexSize = 1;
    while (indexSize < slots * 4) indexSize <<= 1;
    this.index = new Int32Array(indexSize);
    this.indexMask = indexSize - 1;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.alive[slot] !== 1) continue;
      this.indexInsert(slot * 2);
      if (this.hasReverse[slot] === 1) this.indexInsert(slot * 2 + 1);
    }
  }

  private handleHash(handle: number): number {
    const slot = handle >> 1;
    const p = this.protocol[slot] ?? 0;
    if ((handle & 1) === 0) {
      return hashTuple(p, this.source[slot] ?? 0, this.destination[slot] ?? 0, this.sourcePort[slot] ?? 0, this.destinationPort[slot] ?? 0);
    }
    return hashTuple(p, this.destination[slot] ?? 0, this.source[slot] ?? 0, this.reverseSourcePort[slot] ?? 0, this.reverseDestinationPort[slot] ?? 0);
  }

  private indexInsert(handle: number): void {
    let position = this.handleHash(handle) & this.indexMask;
    while (this.index[position] !== 0) position = (position + 1) & this.indexMask;
    this.index[position] = handle + 1;
  }

  private indexRemove(handle: number): void {
    let position = this.handleHash(handle) & this.indexMask;
    while (this.index[position] !== handle + 1) {
      if (this.index[position] === 0) return;
      position = (position + 1) & this.indexMask;
    }
    // Backward-shift deletion keeps every probe chain unbroken.
    let hole = position;
    let next = position;
    for (;;) {
      next = (next + 1) & this.indexMask;
      const entry = this.index[next] ?? 0;
      if (entry === 0) break;
      const home = this.handleHash(entry - 1) & this.indexMask;
      const distanceToHome = (next - home) & this.indexMask;
      const distanceToHole = (next - hole) & this.indexMask;
      if (distanceToHome >= distanceToHole) {
        this.index[hole] = entry;
        hole = next;
      }
    }
    this.index[hole] = 0;
  }

  /** `slot * 2 + direction` (0 forward, 1 reverse) of the flow the tuple belongs to, or -1. */
  lookup(protocol: number, source: number, destination: number, sourcePort: number, destinationPort: number): number {
    let position = hashTuple(protocol, source, destination, sourcePort, destinationPort) & this.indexMask;
    for (;;) {
      const entry = this.index[position] ?? 0;
      if (entry === 0) return -1;
      const handle = entry - 1;
      const slot = handle >> 1;
      if (this.protocol[slot] === protocol) {
        if ((handle & 1) === 0) {
          if (this.source[slot] === source && this.destination[slot] === destination && this.sourcePort[slot] === sourcePort && this.destinationPort[slot] === destinationPort) return handle;
        } else if (
          this.destination[slot] === source &&
          this.source[slot] === destination &&
          this.reverseSourcePort[slot] === sourcePort &&
          this.reverseDestinationPort[slot] === destinationPort
        ) {
          return handle;
        }
      }
      position = (position + 1) & this.indexMask;
    }
  }

  intern(text: string | undefined): number {
    if (text === undefined) return -1;
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.stringIds.set(text, id);
    }
    return id;
  }

  text(id: number): string | undefined {
    return id < 0 ? undefined : this.strings[id];
  }

  /** The new flow's slot, or -1 when the table is full. */
  insert(flow: NewFlow, now: number): number {
    if (this.count >= this.maxFlows) return -1;
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.highWater >= this.slots) this.growTo(Math.min(this.maxFlows, this.slots * 2));
      slot = this.highWater++;
    }
    this.alive[slot] = 1;
    this.protocol[slot] = flow.protocol;
    this.hasReverse[slot] = flow.hasReverse ? 1 : 0;
    this.source[slot] = flow.source;
    this.destination[slot] = flow.destination;
    this.sourcePort[slot] = flow.sourcePort;
    this.destinationPort[slot] = flow.destinationPort;
    this.reverseSourcePort[slot] = flow.reverseSourcePort;
    this.reverseDestinationPort[slot] = flow.reverseDestinationPort;
    this.sourceInterface[slot] = flow.sourceInterface;
    this.destinationInterface[slot] = flow.destinationInterface;
    this.reverseInterface[slot] = flow.reverseInterface;
    this.rule[slot] = this.intern(flow.rule);
    this.tunnel[slot] = this.intern(flow.tunnel);
    this.childSa[slot] = this.intern(flow.childSaId);
    this.id[slot] = this.nextId++;
    this.createdAt[slot] = now;
    this.lastSeenAt[slot] = now;
    this.timeoutMs[slot] = flow.timeoutMs;
    this.expiresAt[slot] = now + flow.timeoutMs;
    this.packets[slot] = flow.packets;
    this.bytes[slot] = flow.bytes;
    this.reversePackets[slot] = 0;
    this.reverseBytes[slot] = 0;
    this.indexInsert(slot * 2);
    if (flow.hasReverse) this.indexInsert(slot * 2 + 1);
    this.count++;
    return slot;
  }

  /** Counts a packet in a direction and pushes the expiry out. */
  touch(handle: number, bytes: number, now: number, timeoutMs?: number): void {
    const slot = handle >> 1;
    if ((handle & 1) === 0) {
      this.packets[slot] = (this.packets[slot] ?? 0) + 1;
      this.bytes[slot] = (this.bytes[slot] ?? 0) + bytes;
    } else {
      this.reversePackets[slot] = (this.reversePackets[slot] ?? 0) + 1;
      this.reverseBytes[slot] = (this.reverseBytes[slot] ?? 0) + bytes;
    }
    if (timeoutMs !== undefined) this.timeoutMs[slot] = timeoutMs;
    this.lastSeenAt[slot] = now;
    this.expiresAt[slot] = now + (this.timeoutMs[slot] ?? 0);
  }

  isAlive(slot: number): boolean {
    return this.alive[slot] === 1;
  }

  remove(slot: number): void {
    if (this.alive[slot] !== 1) return;
    this.indexRemove(slot * 2);
    if (this.hasReverse[slot] === 1) this.indexRemove(slot * 2 + 1);
    this.alive[slot] = 0;
    this.freeSlots.push(slot);
    this.count--;
  }

  /** Removes every flow with expiresAt <= now (calling onRemove first); returns the next expiry or Infinity. */
  expire(now: number, onRemove?: (slot: number) => void): number {
    let next = Infinity;
    const expires = this.expiresAt;
    const alive = this.alive;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (alive[slot] !== 1) continue;
      const at = expires[slot] ?? 0;
      if (at <= now) {
        onRemove?.(slot);
        this.remove(slot);
      } else if (at < next) next = at;
    }
    return next;
  }

  /** Alive slots for which `predicate` holds. */
  select(predicate: (slot: number) => boolean): number[] {
    const result: number[] = [];
    for (let slot = 0; slot < this.highWater; slot++) if (this.alive[slot] === 1 && predicate(slot)) result.push(slot);
    return result;
  }

  matches(slot: number, filter: CompiledFlowFilter): boolean {
    if (filter.protocol !== undefined && this.protocol[slot] !== filter.protocol) return false;
    if (filter.sourceInterface !== undefined && this.sourceInterface[slot] !== filter.sourceInterface) return false;
    if (filter.destinationInterface !== undefined && this.destinationInterface[slot] !== filter.destinationInterface) return false;
    const sourceNetwork = filter.sourceNetwork;
    if (sourceNetwork !== undefined && (((this.source[slot] ?? 0) & sourceNetwork.mask) >>> 0) !== sourceNetwork.address) return false;
    const destinationNetwork = filter.destinationNetwork;
    if (destinationNetwork !== undefined && (((this.destination[slot] ?? 0) & destinationNetwork.mask) >>> 0) !== destinationNetwork.address) return false;
    // ESP shows an SPI where ports would be: port filters never match it.
    if (filter.sourcePort !== undefined && (this.protocol[slot] === 50 || this.sourcePort[slot] !== filter.sourcePort)) return false;
    if (filter.destinationPort !== undefined && (this.protocol[slot] === 50 || this.destinationPort[slot] !== filter.destinationPort)) return false;
    return true;
  }

  private sortKey(slot: number, field: FlowSortField): number {
    switch (field) {
      case 'protocol':
        return this.protocol[slot] ?? 0;
      case 'source':
        return (this.source[slot] ?? 0) * 65536 + ((this.sourcePort[slot] ?? 0) & 0xffff);
      case 'destination':
        return (this.destination[slot] ?? 0) * 65536 + ((this.destinationPort[slot] ?? 0) & 0xffff);
      case 'timeout':
        return this.expiresAt[slot] ?? 0;
      case 'created':
        return this.createdAt[slot] ?? 0;
      case 'lastSeen':
        return this.lastSeenAt[slot] ?? 0;
      case 'packets':
        return this.packets[slot] ?? 0;
      case 'bytes':
        return this.bytes[slot] ?? 0;
    }
  }

  /**
   * Matching flows, sorted (default: creation order), one page.
   * Keeps only offset+limit candidates in a max-heap while scanning.
   */
  query(filter: CompiledFlowFilter, options: FlowQueryOptions = {}): { total: number; slots: number[] } {
    const field = options.sort ?? 'created';
    const sign = options.order === 'desc' ? -1 : 1;
    const offset = options.offset ?? 0;
    const limit = options.limit ?? Infinity;
    const keep = offset + limit;
    const heapKeys: number[] = [];
    const heapIds: number[] = [];
    const heapSlots: number[] = [];
    // a ranks after b (larger) in the requested order
    const after = (keyA: number, idA: number, keyB: number, idB: number) => keyA > keyB || (keyA === keyB && idA > idB);
    const swap = (i: number, j: number) => {
      [heapKeys[i], heapKeys[j]] = [heapKeys[j] ?? 0, heapKeys[i] ?? 0];
      [heapIds[i], heapIds[j]] = [heapIds[j] ?? 0, heapIds[i] ?? 0];
      [heapSlots[i], heapSlots[j]] = [heapSlots[j] ?? 0, heapSlots[i] ?? 0];
    };
    const siftDown = (start: number) => {
      let i = start;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let largest = i;
        if (left < heapKeys.length && after(heapKeys[left] ?? 0, heapIds[left] ?? 0, heapKeys[largest] ?? 0, heapIds[largest] ?? 0)) largest = left;
        if (right < heapKeys.length && after(heapKeys[right] ?? 0, heapIds[right] ?? 0, heapKeys[largest] ?? 0, heapIds[largest] ?? 0)) largest = right;
        if (largest === i) return;
        swap(i, largest);
        i = largest;
      }
    };
    let total = 0;
    const noFilter = Object.keys(filter).length === 0;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.alive[slot] !== 1) continue;
      if (!noFilter && !this.matches(slot, filter)) continue;
      total++;
      if (keep === 0) continue;
      const key = sign * this.sortKey(slot, field);
      const id = sign * (this.id[slot] ?? 0);
      if (heapKeys.length < keep) {
        heapKeys.push(key);
        heapIds.push(id);
        heapSlots.push(slot);
        let i = heapKeys.length - 1;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!after(heapKeys[i] ?? 0, heapIds[i] ?? 0, heapKeys[parent] ?? 0, heapIds[parent] ?? 0)) break;
          swap(i, parent);
          i = parent;
        }
      } else if (after(heapKeys[0] ?? 0, heapIds[0] ?? 0, key, id)) {
        heapKeys[0] = key;
        heapIds[0] = id;
        heapSlots[0] = slot;
        siftDown(0);
      }
    }
    const order = heapSlots.map((slot, i) => ({ slot, key: heapKeys[i] ?? 0, id: heapIds[i] ?? 0 }));
    order.sort((a, b) => (a.key - b.key) || (a.id - b.id));
    return { total, slots: order.slice(offset).map((entry) => entry.slot) };
  }
}
