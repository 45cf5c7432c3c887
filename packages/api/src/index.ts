/** Public entry of @tunnelscope/api: the shared contract (TypeBox schemas + static types). */
export * from './config/config-defaults.ts';
export * from './config/gateway-config.ts';
export * from './config/time-zone.ts';
export * from './events/engine-events.ts';
export * from './events/tunnel-selection.ts';
export * from './stats/ike-stat-counters.ts';
export * from './schema-issues.ts';
export * from './engine-events.ts';
export * from './rest/index.ts';
export * from './stream/index.ts';
export * from './events/dataplane-events.ts';
export * from './events/certificate-events.ts';
