/** What the lab did, newest first: scenarios started and stopped, peer actions and the peers' own events. */
import { useCallback, useEffect, useState } from 'react';
import { NoData } from '../../../components/ui/async-content.tsx';
import { formatClock } from '../../../lib/format.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchLabActivity, type StoredEvent } from '../api/lab-api.ts';

const SHOWN = 60;

export function LabActivity() {
  const [events, setEvents] = useState<StoredEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchLabActivity(SHOWN, controller.signal)
      .then((page) => setEvents((live) => merge(live ?? [], page.items)))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(describeError(err));
      });
    return () => controller.abort();
  }, []);

  const onEvent = useCallback((event: StoredEvent) => setEvents((previous) => merge(previous ?? [], [event])), []);
  useStreamEvents('lab', {}, onEvent);

  if (events === null) return error ? <p className="state-error">Could not load the lab activity: {error}</p> : <p className="state-loading">Loading…</p>;
  if (events.length === 0) return <NoData text="No lab activity yet." />;
  return (
    <ul className="failure-list lab-activity" data-testid="lab-activity">
      {events.map((event) => (
        <li key={event.id} data-type={event.type}>
          <span className="mono muted">{formatClock(event.time)}</span> {event.text ?? event.type}
        </li>
      ))}
    </ul>
  );
}

function merge(current: StoredEvent[], incoming: StoredEvent[]): StoredEvent[] {
  const byId = new Map<number, StoredEvent>();
  for (const event of [...incoming, ...current]) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, SHOWN);
}
