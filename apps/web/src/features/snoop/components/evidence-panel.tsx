/**
 * `/snoop?evidence=<event id>`: a failure's evidence — the coded event with
 * its proposal tables, and the stored messages it cites, each decoded.
 */
import { Link } from 'react-router';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { evidenceDatagramIds } from '../../../lib/event-kinds.ts';
import { buildQuery } from '../../../lib/http-client.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchDatagram, fetchEventById } from '../api/snoop-api.ts';
import { RelatedEvent } from './related-event.tsx';

export function EvidencePanel({ eventId, onClose }: { eventId: number; onClose: () => void }) {
  const evidence = useAsync(
    async (signal) => {
      const event = await fetchEventById(eventId, signal);
      if (!event) return null;
      const ids = evidenceDatagramIds(event);
      const datagrams = await Promise.all(ids.map((id) => fetchDatagram(id, 'full', signal).catch(() => null)));
      return { event, ids, datagrams };
    },
    [eventId],
  );
  return (
    <section className="panel evidence-panel" aria-label="Evidence" data-testid="evidence-panel">
      <header className="panel-header">
        <h2>Evidence for event {eventId}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="panel-body">
        <AsyncContent state={evidence}>
          {(found) =>
            found === null ? (
              <NoData text={`Event ${eventId} is not in the stored history (it may have been pruned).`} />
            ) : (
              <>
                <RelatedEvent event={found.event} />
                <Link to={`/diagnose${buildQuery({ tunnel: found.event.tunnel, peer: found.event.peer, code: found.event.code })}`} data-testid="diagnose-link">
                  Diagnose
                </Link>
                {found.ids.length === 0 ? (
                  <NoData text="This event cites no stored message." />
                ) : (
                  found.datagrams.map((entry, index) =>
                    entry ? (
                      <pre key={entry.id} className="snoop-text full-decode" data-testid="evidence-message">
                        {entry.text}
                      </pre>
                    ) : (
                      <p key={index} className="muted">
                        Datagram {found.ids[index]} is no longer stored.
                      </p>
                    ),
                  )
                )}
              </>
            )
          }
        </AsyncContent>
      </div>
    </section>
  );
}
