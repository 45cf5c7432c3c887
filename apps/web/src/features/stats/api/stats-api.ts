import type { StatsHistoryResponse } from '../../../lib/api-types.ts';
import { buildQuery, requestJson } from '../../../lib/http-client.ts';

export function fetchStatsHistory(from: number, to: number, signal?: AbortSignal): Promise<StatsHistoryResponse> {
  return requestJson(`/stats/history${buildQuery({ from, to, limit: 10_000 })}`, signal ? { signal } : {});
}
