/** REST bodies and responses of /api/v1. */
export * from './errors.ts';
export * from './auth.ts';
export * from './config.ts';
export * from './sas.ts';
export * from './stats.ts';
export * from './snoop.ts';
export * from './logs.ts';
export * from './cli.ts';
export * from './health.ts';
export * from './audit.ts';
export * from './keys.ts';
export * from './alerts.ts';
export * from './diagnose.ts';
export * from './lab.ts';
export * from './support-bundle.ts';
export * from './flows.ts';
export * from './certificates.ts';
