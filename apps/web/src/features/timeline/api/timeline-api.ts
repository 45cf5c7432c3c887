import type { ConfigVersionList, EventPage, TunnelStatusList } from '../../../lib/api-types.ts';
import { buildQuery, requestJson } from '../../../lib/http-client.ts';

export function fetchTunnelNames(signal?: AbortSignal): Promise<TunnelStatusList> {
  return requestJson('/tunnels', signal ? { signal } : {});
}

export function fetchTunnelEvents(tunnel: string, from: number, to: number, signal?: AbortSignal): Promise<EventPage> {
  return requestJson(`/events${buildQuery({ tunnel, from, to, limit: 1000 })}`, signal ? { signal } : {});
}

export function fetchConfigVersions(signal?: AbortSignal): Promise<ConfigVersionList> {
  return requestJson(`/config/versions${buildQuery({ limit: 500 })}`, signal ? { signal } : {});
}
