import type { EventPage, EventTopic, StatsNowResponse, TunnelStatusList } from '../../../lib/api-types.ts';
import { buildQuery, requestJson } from '../../../lib/http-client.ts';

export function fetchTunnels(signal?: AbortSignal): Promise<TunnelStatusList> {
  return requestJson('/tunnels', signal ? { signal } : {});
}

export function fetchStatsNow(signal?: AbortSignal): Promise<StatsNowResponse> {
  return requestJson('/stats', signal ? { signal } : {});
}

export function fetchRecentEvents(topic: EventTopic, limit: number, signal?: AbortSignal): Promise<EventPage> {
  return requestJson(`/events${buildQuery({ topic, limit })}`, signal ? { signal } : {});
}
