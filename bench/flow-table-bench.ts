/**
 * Flow table at 1,000,000 flows: memory per flow, insert rate, and
 * `flow -show` with a filter, sorted first page (target < 100 ms).
 *
 *   node --expose-gc --import tsx bench/flow-table-bench.ts
 *   FLOWS=200000 node --expose-gc --import tsx bench/flow-table-bench.ts
 *
 * Rows:
 * - insert: FlowTable.insert of N distinct UDP/ICMP/TCP flows (both
 *   directions indexed), flows per second.
 * - memory: (heapUsed + arrayBuffers) after - before, divided by N, with
 *   a GC before each reading; plus the columns' own allocation.
 * - packet path: new UDP flows made by real packets through
 *   DataPlane.sendFromCore (decode, route, flow insert, host answer).
 * - query: DataPlane.listFlows with filters, sorted, first page of 100,
 *   median of 5 runs.
 */
import os from 'node:os';
import { DataPlane, IP_PROTOCOL, encodeIpv4Packet, encodeUdp, validateConfig } from '@tunnelscope/engine';
import { ManualClock } from '@tunnelscope/test-utils';

const FLOWS = Number(process.env.FLOWS ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

const validated = validateConfig({
  interfaces: [
    { name: 'ext', addresses: ['198.51.100.1/24'] },
    { name: 'int', addresses: ['10.0.0.1/8'] },
  ],
  hosts: [{ name: 'echo', interface: 'int', address: '10.0.0.2', services: ['udp'] }],
});
if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
const config = validated.config;
const clock = new ManualClock();
const dataPlane = new DataPlane({ config, clock, tunnels: { send: () => ({ ok: false, reason: 'no_sa', detail: 'bench' }) }, maxFlows: FLOWS + 100_000 });
const table = dataPlane.flows;
const interfaces = dataPlane.interfacesTable;
const core = interfaces.core.id;
const ext = interfaces.get('ext')?.id ?? 0;
const int = interfaces.get('int')?.id ?? 0;

const before = memory();
const insertStart = process.hrtime.bigint();
for (let i = 0; i < FLOWS; i++) {
  const protocol = i % 10 === 0 ? IP_PROTOCOL.icmp : i % 3 === 0 ? IP_PROTOCOL.tcp : IP_PROTOCOL.udp;
  const sourcePort = 1024 + (i % 60000);
  const destinationPort = [53, 443, 2152, 514][i % 4] ?? 53;
  table.insert(
    {
      protocol,
      source: (0x0a000000 + i) >>> 0,
      destination: (0xc0a80000 + (i % 65536)) >>> 0,
      sourcePort,
      destinationPort,
      hasReverse: true,
      reverseSourcePort: destinationPort,
      reverseDestinationPort: sourcePort,
      sourceInterface: i % 2 === 0 ? int : core,
      destinationInterface: i % 5 === 0 ? int : ext,
      reverseInterface: i % 2 === 0 ? int : core,
      timeoutMs: 130_000 + (i % 1000) * 1000,
      rule: `rule-${i % 16}`,
      bytes: 60 + (i % 1400),
      packets: 1,
    },
    clock.now(),
  );
}
const insertMs = Number(process.hrtime.bigint() - insertStart) / 1e6;
const after = memory();

const packetCount = 100_000;
const packets: Uint8Array[] = [];
for (let i = 0; i < packetCount; i++) {
  const source = 0x0a000001;
  const destination = 0x0a000002;
  const udp = encodeUdp({ sourcePort: 1 + (i % 60000), destinationPort: 7 + Math.floor(i / 60000), data: new Uint8Array(32) }, source, destination);
  packets.push(encodeIpv4Packet({ protocol: IP_PROTOCOL.udp, source, destination }, udp));
}
const packetStart = process.hrtime.bigint();
for (const packet of packets) dataPlane.sendFromCore(packet);
const packetMs = Number(process.hrtime.bigint() - packetStart) / 1e6;

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[2] ?? 0;
}
const queries: [string, Parameters<DataPlane['listFlows']>[0]][] = [
  ['-destiface=int -proto=udp, sort bytes desc', { destiface: 'int', proto: 'udp', sort: 'bytes', order: 'desc', limit: 100 }],
  ['-srcip=10.0.0.0/12 -destport=443, sort timeout', { srcip: '10.0.0.0/12', destport: 443, sort: 'timeout', limit: 100 }],
  ['no filter, sort source', { sort: 'source', limit: 100 }],
  ['no filter, creation order (flow -show)', { limit: 100 }],
];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`flow table bench: ${table.size.toLocaleString('en')} flows, node ${process.version}, ${cpu} (${os.cpus().length} cores)${gc === undefined ? ', NO --expose-gc: memory figures are rough' : ''}`);
console.log('');
console.log('| measure | value |');
console.log('| --- | --- |');
console.log(`| insert ${FLOWS.toLocaleString('en')} flows | ${insertMs.toFixed(0)} ms (${Math.round(FLOWS / (insertMs / 1000)).toLocaleString('en')} flows/s) |`);
console.log(`| memory per flow (heap + array buffers) | ${((after - before) / FLOWS).toFixed(1)} bytes |`);
console.log(`| column + index allocation | ${(table.allocatedBytes / 1024 / 1024).toFixed(1)} MiB (${(table.allocatedBytes / table.size).toFixed(1)} bytes/flow at current capacity) |`);
console.log(`| packet path: ${packetCount.toLocaleString('en')} new UDP flows via sendFromCore + host echo | ${packetMs.toFixed(0)} ms (${Math.round(packetCount / (packetMs / 1000)).toLocaleString('en')} packets/s) |`);
for (const [name, query] of queries) {
  let total = 0;
  const ms = median(() => {
    total = dataPlane.listFlows(query).total;
  });
  console.log(`| listFlows ${name}, first page of 100 (${total.toLocaleString('en')} match) | ${ms.toFixed(1)} ms |`);
}
dataPlane.stop();
