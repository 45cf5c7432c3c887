/**
 * The Lab view's only way to the server: the demo lab's scenarios (metadata
 * and running state; never a peer's config or key), starting and stopping
 * them, our tunnels' states beside them, and the lab's recorded activity.
 */
import type { LabScenario, LabScenarioList } from '@tunnelscope/api';
import type { EventPage, TunnelStatusList } from '../../../lib/api-types.ts';
import { buildQuery, requestJson } from '../../../lib/http-client.ts';

export type { LabScenario, LabScenarioList } from '@tunnelscope/api';
export type { StoredEvent, TunnelStatusView } from '../../../lib/api-types.ts';

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

export function fetchLabScenarios(signal?: AbortSignal): Promise<LabScenarioList> {
  return requestJson('/lab/scenarios', withSignal(signal));
}

export function startLabScenario(id: string): Promise<LabScenario> {
  return requestJson(`/lab/scenarios/${encodeURIComponent(id)}/start`, { method: 'POST' });
}

export function stopLabScenario(id: string): Promise<LabScenario> {
  return requestJson(`/lab/scenarios/${encodeURIComponent(id)}/stop`, { method: 'POST' });
}

export function startLabDefaultMix(): Promise<LabScenarioList> {
  return requestJson('/lab/default-mix', { method: 'POST' });
}

export function stopAllLabScenarios(): Promise<LabScenarioList> {
  return requestJson('/lab/stop-all', { method: 'POST' });
}

export function fetchTunnelStates(signal?: AbortSignal): Promise<TunnelStatusList> {
  return requestJson('/tunnels', withSignal(signal));
}

export function fetchLabActivity(limit: number, signal?: AbortSignal): Promise<EventPage> {
  return requestJson(`/events${buildQuery({ topic: 'lab', limit })}`, withSignal(signal));
}
