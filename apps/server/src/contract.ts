/** The REST and stream contract the server validates against: one source, packages/api. */
export * from '@tunnelscope/api';
