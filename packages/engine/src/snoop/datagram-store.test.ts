import { describe, expect, it } from 'vitest';
import { DatagramStore, type StoredDatagram } from './datagram-store.ts';
import { SnoopFilter } from './snoop-bus.ts';

const endpoint = (address: string, port = 500) => ({ address, port });
const datagram = (id: number, size = 10, ikeSaId?: string): StoredDatagram => ({
  id,
  time: id * 1000,
  direction: id % 2 ? 'in' : 'out',
  local: endpoint('10.0.0.1'),
  remote: endpoint('10.0.0.2'),
  marker: false,
  bytes: new Uint8Array(size).fill(id),
  ...(ikeSaId ? { ikeSaId } : {}),
});

describe('DatagramStore', () => {
  it('keeps the newest datagrams within the count bound', () => {
    const store = new DatagramStore({ maxDatagrams: 3, maxBytes: 1e6 });
    for (let id = 1; id <= 5; id++) store.add(datagram(id));
    expect(store.list().map((d) => d.id)).toEqual([3, 4, 5]);
    expect(store.get(2)).toBeUndefined();
    expect(store.get(4)?.bytes[0]).toBe(4);
    expect(store.evicted()).toBe(2);
  });

  it('keeps within the byte bound and filters by IKE SA', () => {
    const store = new DatagramStore({ maxDatagrams: 100, maxBytes: 250 });
    for (let id = 1; id <= 5; id++) store.add(datagram(id, 100, id % 2 ? 'ike-1' : 'ike-2'));
    expect(store.bytesStored()).toBeLessThanOrEqual(250);
    expect(store.list({ ikeSaId: 'ike-1' }).map((d) => d.id)).toEqual([5]);
    expect(store.list({ afterId: 3 }).map((d) => d.id)).toEqual([4, 5]);
  });

  it('compacts without losing order over many additions', () => {
    const store = new DatagramStore({ maxDatagrams: 10, maxBytes: 1e9 });
    for (let id = 1; id <= 5000; id++) store.add(datagram(id, 1));
    expect(store.list().map((d) => d.id)).toEqual([4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000]);
    expect(store.get(4995)?.id).toBe(4995);
  });
});

describe('SnoopFilter', () => {
  const line = {
    type: 'snoop.message' as const,
    time: 0,
    direction: 'in' as const,
    local: endpoint('10.0.0.1'),
    remote: endpoint('10.0.0.2', 4500),
    marker: true,
    datagramIds: [1],
    summary: 'IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]',
    detail: { summary: 'x' },
  };

  it('off drops, brief strips the detail, full keeps it, peer filter applies', () => {
    const filter = new SnoopFilter();
    expect(filter.apply(line)).toBeUndefined();
    filter.setMode('brief');
    expect(filter.apply(line)).not.toHaveProperty('detail');
    filter.setMode('full');
    expect(filter.apply(line)?.detail).toEqual({ summary: 'x' });
    filter.setMode('brief', { peer: '10.0.0.3' });
    expect(filter.apply(line)).toBeUndefined();
    filter.setMode('brief', { peer: '10.0.0.2:4500' });
    expect(filter.apply(line)?.summary).toBe(line.summary);
  });
});
