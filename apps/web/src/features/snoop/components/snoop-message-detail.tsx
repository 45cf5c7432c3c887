/**
 * A clicked message expanded: its `-full` decode (rendered by the server
 * from the stored bytes, shown verbatim) and the coded events that cite it
 * as evidence, with their proposal lists as tables.
 */
import { useAsync } from '../../../lib/use-async.ts';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { evidenceDatagramIds } from '../../../lib/event-kinds.ts';
import { fetchDatagram, fetchLogEventsAround } from '../api/snoop-api.ts';
import type { SnoopLine } from '../hooks/snoop-line.ts';
import { RelatedEvent } from './related-event.tsx';

export function SnoopMessageDetail({ line, onClose }: { line: SnoopLine; onClose: () => void }) {
  const datagramId = line.datagramId;
  const decode = useAsync(
    (signal) => (datagramId === null ? Promise.resolve(null) : fetchDatagram(datagramId, 'full', signal)),
    [datagramId],
  );
  const related = useAsync(
    async (signal) => {
      if (datagramId === null) return [];
      const page = await fetchLogEventsAround(line.time, signal);
      return page.items.filter((event) => evidenceDatagramIds(event).includes(datagramId));
    },
    [datagramId, line.time],
  );

  return (
    <aside className="snoop-detail" aria-label="Message detail" data-testid="snoop-detail">
      <header className="panel-header">
        <h2>
          {line.exchange ?? 'message'} {line.response === null ? '' : line.response ? 'response' : 'request'} {line.messageId ?? ''}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close detail">
          Close
        </button>
      </header>
      <h3>Decoded payloads</h3>
      {datagramId === null ? (
        <NoData text="This line names no stored datagram, so there is no decode to show." />
      ) : (
        <AsyncContent state={decode}>{(entry) => (entry ? <pre className="snoop-text full-decode">{entry.text}</pre> : <NoData />)}</AsyncContent>
      )}
      <h3>Events citing this message</h3>
      <AsyncContent state={related} isEmpty={(events) => events.length === 0} emptyText="No coded event cites this message.">
        {(events) => events.map((event) => <RelatedEvent key={event.id} event={event} />)}
      </AsyncContent>
    </aside>
  );
}
