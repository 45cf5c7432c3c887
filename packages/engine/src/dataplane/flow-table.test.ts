import { describe, expect, it } from 'vitest';
import { FlowTable, type CompiledFlowFilter, type NewFlow } from './flow-table.ts';
import { parseIpv4Network } from './ipv4-address.ts';

const flow = (overrides: Partial<NewFlow>): NewFlow => ({
  protocol: 17,
  source: 0x0a000001,
  destination: 0x0a000002,
  sourcePort: 1000,
  destinationPort: 53,
  hasReverse: true,
  reverseSourcePort: 53,
  reverseDestinationPort: 1000,
  sourceInterface: 1,
  destinationInterface: 2,
  reverseInterface: 1,
  timeoutMs: 130_000,
  bytes: 60,
  packets: 1,
  ...overrides,
});

describe('FlowTable', () => {
  it('finds both directions, counts them apart, and frees keys on removal', () => {
    const table = new FlowTable();
    const slot = table.insert(flow({}), 0);
    expect(table.lookup(17, 0x0a000001, 0x0a000002, 1000, 53)).toBe(slot * 2);
    expect(table.lookup(17, 0x0a000002, 0x0a000001, 53, 1000)).toBe(slot * 2 + 1);
    expect(table.lookup(17, 0x0a000002, 0x0a000001, 1000, 53)).toBe(-1);
    table.touch(slot * 2 + 1, 100, 5);
    expect([table.packets[slot], table.bytes[slot], table.reversePackets[slot], table.reverseBytes[slot]]).toEqual([1, 60, 1, 100]);
    table.remove(slot);
    expect(table.lookup(17, 0x0a000001, 0x0a000002, 1000, 53)).toBe(-1);
    expect(table.size).toBe(0);
  });

  it('keeps lookups right through growth and many removals (backward-shift deletion)', () => {
    const table = new FlowTable();
    const slots: number[] = [];
    for (let i = 0; i < 5000; i++) slots.push(table.insert(flow({ source: i, sourcePort: i & 0xffff, reverseDestinationPort: i & 0xffff }), 0));
    for (let i = 0; i < 5000; i += 2) table.remove(slots[i] ?? -1);
    for (let i = 0; i < 5000; i++) {
      const expected = i % 2 === 0 ? -1 : (slots[i] ?? 0) * 2;
      expect(table.lookup(17, i, 0x0a000002, i & 0xffff, 53)).toBe(expected);
    }
    expect(table.size).toBe(2500);
  });

  it('expires on the clock and reports the next expiry', () => {
    const table = new FlowTable();
    table.insert(flow({ timeoutMs: 8000, protocol: 1 }), 0);
    table.insert(flow({ sourcePort: 2 }), 0);
    const removed: number[] = [];
    expect(table.expire(7999, (slot) => removed.push(slot))).toBe(8000);
    expect(table.expire(8000, (slot) => removed.push(slot))).toBe(130_000);
    expect(removed).toEqual([0]);
    expect(table.size).toBe(1);
  });

  it('refuses flows beyond maxFlows', () => {
    const table = new FlowTable({ maxFlows: 2 });
    expect(table.insert(flow({ sourcePort: 1 }), 0)).toBe(0);
    expect(table.insert(flow({ sourcePort: 2 }), 0)).toBe(1);
    expect(table.insert(flow({ sourcePort: 3 }), 0)).toBe(-1);
  });

  describe('filters combine (AND), every filter and every pair', () => {
    const table = new FlowTable();
    const rows: NewFlow[] = [];
    for (let i = 0; i < 64; i++) {
      const row = flow({
        protocol: [1, 6, 17, 50][i % 4] ?? 17,
        source: 0x0a000000 + (i % 8),
        destination: 0xc0a80000 + (i % 5),
        sourcePort: i % 3,
        destinationPort: i % 7,
        sourceInterface: i % 2,
        destinationInterface: 2 + (i % 3),
        hasReverse: i % 4 !== 3,
      });
      rows.push(row);
      table.insert(row, i);
    }
    const filters: Record<string, [CompiledFlowFilter, (row: NewFlow) => boolean]> = {
      protocol: [{ protocol: 17 }, (row) => row.protocol === 17],
      srciface: [{ sourceInterface: 1 }, (row) => row.sourceInterface === 1],
      destiface: [{ destinationInterface: 3 }, (row) => row.destinationInterface === 3],
      srcip: [{ sourceNetwork: parseIpv4Network('10.0.0.4/30') ?? { address: 0, prefixLength: 0, mask: 0 } }, (row) => row.source >= 0x0a000004 && row.source <= 0x0a000007],
      destip: [{ destinationNetwork: parseIpv4Network('192.168.0.2') ?? { address: 0, prefixLength: 0, mask: 0 } }, (row) => row.destination === 0xc0a80002],
      srcport: [{ sourcePort: 1 }, (row) => row.protocol !== 50 && row.sourcePort === 1],
      destport: [{ destinationPort: 4 }, (row) => row.protocol !== 50 && row.destinationPort === 4],
    };
    const names = Object.keys(filters);
    const expectedIds = (predicates: ((row: NewFlow) => boolean)[]) => rows.flatMap((row, i) => (predicates.every((predicate) => predicate(row)) ? [i] : []));
    for (const name of names) {
      it(name, () => {
        const [filter, predicate] = filters[name] ?? [{}, () => true];
        const expected = expectedIds([predicate]);
        expect(expected.length).toBeGreaterThan(0);
        expect(table.query(filter).slots).toEqual(expected);
      });
    }
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const [first, second] = [filters[names[i] ?? ''], filters[names[j] ?? '']];
        it(`${names[i]} + ${names[j]}`, () => {
          if (first === undefined || second === undefined) throw new Error('filter missing');
          const result = table.query({ ...first[0], ...second[0] });
          expect(result.slots).toEqual(expectedIds([first[1], second[1]]));
          expect(result.total).toBe(result.slots.length);
        });
      }
    }
  });

  it('sorts on the server and pages (offset/limit), ties broken by creation order', () => {
    const table = new FlowTable();
    for (let i = 0; i < 100; i++) table.insert(flow({ sourcePort: i, reverseDestinationPort: i, bytes: (i * 37) % 100 }), i);
    const page = table.query({}, { sort: 'bytes', order: 'desc', offset: 10, limit: 5 });
    expect(page.total).toBe(100);
    const all = [...Array(100).keys()].sort((a, b) => ((b * 37) % 100) - ((a * 37) % 100) || b - a);
    expect(page.slots).toEqual(all.slice(10, 15));
    expect(table.query({}, { sort: 'source', limit: 3 }).slots).toEqual([0, 1, 2]);
  });
});
