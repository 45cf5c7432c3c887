import type { PingRequest, PingResult } from '@tunnelscope/api';
import type { ActionResponse, ChildSaList, IkeSaList, TunnelStatusList } from '../../../lib/api-types.ts';
import { requestJson } from '../../../lib/http-client.ts';

export function fetchIkeSas(signal?: AbortSignal): Promise<IkeSaList> {
  return requestJson('/sas/ike', signal ? { signal } : {});
}

export function fetchChildSas(signal?: AbortSignal): Promise<ChildSaList> {
  return requestJson('/sas/child', signal ? { signal } : {});
}

export function fetchTunnelStates(signal?: AbortSignal): Promise<TunnelStatusList> {
  return requestJson('/tunnels', signal ? { signal } : {});
}

export function initiateTunnel(name: string): Promise<ActionResponse> {
  return requestJson(`/tunnels/${encodeURIComponent(name)}/initiate`, { method: 'POST', body: {} });
}

export function rekeySa(kind: 'ike' | 'child', id: string): Promise<ActionResponse> {
  return requestJson(`/sas/${kind}/${encodeURIComponent(id)}/rekey`, { method: 'POST', body: {} });
}

export function deleteSa(kind: 'ike' | 'child', id: string): Promise<ActionResponse> {
  return requestJson(`/sas/${kind}/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** A ping through the data plane (operators): the tunnel it takes is the route's. */
export function pingThroughTunnel(request: PingRequest): Promise<PingResult> {
  return requestJson('/dataplane/ping', { method: 'POST', body: request });
}
