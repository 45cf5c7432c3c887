/** Public entry of the data plane (interfaces, routes, rules, flows, ping, trace, keep-alive). */
export * from './contract.ts';
export * from './data-plane.ts';
export * from './echo-probes.ts';
export * from './flow-table.ts';
export * from './hosts.ts';
export * from './interfaces.ts';
export * from './ipv4-address.ts';
export * from './ipv4-packet.ts';
export * from './keep-alive.ts';
export * from './ping.ts';
export * from './routing-table.ts';
export * from './rule-set.ts';
export * from './trace.ts';
