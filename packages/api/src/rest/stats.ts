/** `ike -stat` counters, now and as history. The rows are exactly the seed's table. */
import { Type, type Static } from '@sinclair/typebox';
/** The counters are the shared `ike -stat` schema; the engine's IKE_STAT_ROWS gives labels and order. */
import { IkeStatCountersSchema } from '../stats/ike-stat-counters.ts';

export const StatsNowResponse = Type.Object({
  time: Type.Number({ description: 'ms since epoch' }),
  counters: IkeStatCountersSchema,
  table: Type.String({ description: 'The `ike -stat` text, as the CLI prints it.' }),
});
export type StatsNowResponse = Static<typeof StatsNowResponse>;

export const StatsHistoryQuery = Type.Object({
  from: Type.Optional(Type.Number({ description: 'ms since epoch, inclusive' })),
  to: Type.Optional(Type.Number({ description: 'ms since epoch, inclusive' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
});
export type StatsHistoryQuery = Static<typeof StatsHistoryQuery>;

export const StatsSample = Type.Object({ time: Type.Number(), counters: IkeStatCountersSchema });
export type StatsSample = Static<typeof StatsSample>;

export const StatsHistoryResponse = Type.Object({ intervalMs: Type.Integer(), items: Type.Array(StatsSample) });
export type StatsHistoryResponse = Static<typeof StatsHistoryResponse>;
