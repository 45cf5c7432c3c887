import type { EventPage, SnoopEntry, SnoopHistoryPage, SnoopHistoryQuery, SnoopSettings, StoredEvent } from '../../../lib/api-types.ts';
import { API_BASE, buildQuery, requestJson } from '../../../lib/http-client.ts';

export function fetchSnoopHistory(query: SnoopHistoryQuery, signal?: AbortSignal): Promise<SnoopHistoryPage> {
  return requestJson(`/snoop/history${buildQuery({ ...query })}`, signal ? { signal } : {});
}

export function fetchDatagram(id: number, format: 'brief' | 'full', signal?: AbortSignal): Promise<SnoopEntry> {
  return requestJson(`/snoop/datagrams/${id}${buildQuery({ format })}`, signal ? { signal } : {});
}

export function fetchSnoopSettings(): Promise<SnoopSettings> {
  return requestJson('/snoop');
}

export function updateSnoopSettings(settings: SnoopSettings): Promise<SnoopSettings> {
  return requestJson('/snoop', { method: 'PUT', body: settings });
}

/** One stored event by id (the newest event below id + 1). */
export async function fetchEventById(id: number, signal?: AbortSignal): Promise<StoredEvent | null> {
  const page = await requestJson<EventPage>(`/events${buildQuery({ beforeId: id + 1, limit: 1 })}`, signal ? { signal } : {});
  const event = page.items[0];
  return event !== undefined && event.id === id ? event : null;
}

/** Log events around a message's time (to find the ones citing it as evidence). */
export function fetchLogEventsAround(time: number, signal?: AbortSignal): Promise<EventPage> {
  return requestJson(`/events${buildQuery({ topic: 'log', from: time - 10_000, to: time + 60_000, limit: 200 })}`, signal ? { signal } : {});
}

/** Download links: the browser fetches them with the session cookie. */
export function pcapDownloadUrl(query: SnoopHistoryQuery): string {
  return `${API_BASE}/snoop/history.pcap${buildQuery({ ...query, limit: 1000 })}`;
}

export function decryptionTableUrl(tunnel: string): string {
  return `${API_BASE}/keys/captures/${encodeURIComponent(tunnel)}/table`;
}
