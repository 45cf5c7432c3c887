/**
 * The raw datagram record: every IKE datagram that crossed the transport, in
 * both directions, as bytes. Snoop lines, `-full` decodes and exports are
 * rendered from these bytes, never from a parallel summary. In memory and
 * bounded here (oldest evicted first); the server persists it later.
 */
import type { Endpoint } from '../io/transport.ts';

export type DatagramDirection = 'in' | 'out';

export interface StoredDatagram {
  /** Monotonic id, cited as evidence by events. */
  id: number;
  /** ms since epoch, on the engine's clock. */
  time: number;
  direction: DatagramDirection;
  local: Endpoint;
  remote: Endpoint;
  /** True when the UDP payload carried the non-ESP marker. */
  marker: boolean;
  /** IKE message bytes (without the marker). */
  bytes: Uint8Array;
  /** The IKE SA this datagram belongs to, when known. */
  ikeSaId?: string;
}

export interface DatagramStoreOptions {
  /** Most datagrams kept. */
  maxDatagrams: number;
  /** Most bytes kept (sum of `bytes.length`). */
  maxBytes: number;
}

export const DEFAULT_DATAGRAM_STORE_OPTIONS: DatagramStoreOptions = { maxDatagrams: 10_000, maxBytes: 32 * 1024 * 1024 };

export class DatagramStore {
  private readonly entries: StoredDatagram[] = [];
  private head = 0;
  private totalBytes = 0;
  private evictedCount = 0;

  constructor(private readonly options: DatagramStoreOptions = DEFAULT_DATAGRAM_STORE_OPTIONS) {}

  add(datagram: StoredDatagram): void {
    this.entries.push(datagram);
    this.totalBytes += datagram.bytes.length;
    while (this.size() > this.options.maxDatagrams || (this.totalBytes > this.options.maxBytes && this.size() > 1)) {
      const oldest = this.entries[this.head]!;
      this.totalBytes -= oldest.bytes.length;
      this.head++;
      this.evictedCount++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  get(id: number): StoredDatagram | undefined {
    const live = this.entries;
    let low = this.head;
    let high = live.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const entry = live[mid]!;
      if (entry.id === id) return entry;
      if (entry.id < id) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  /** Stored datagrams, oldest first, optionally only those of one IKE SA or after an id. */
  list(filter: { ikeSaId?: string; afterId?: number; limit?: number } = {}): StoredDatagram[] {
    const out: StoredDatagram[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (filter.afterId !== undefined && entry.id <= filter.afterId) continue;
      if (filter.ikeSaId !== undefined && entry.ikeSaId !== filter.ikeSaId) continue;
      out.push(entry);
    }
    return filter.limit !== undefined ? out.slice(-filter.limit) : out;
  }

  size(): number {
    return this.entries.length - this.head;
  }

  bytesStored(): number {
    return this.totalBytes;
  }

  /** Datagrams dropped from the store to respect its bounds. */
  evicted(): number {
    return this.evictedCount;
  }
}
