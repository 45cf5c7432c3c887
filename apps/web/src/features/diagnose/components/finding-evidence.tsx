/**
 * What a finding rests on: each cited event as stored (with a link to its
 * snoop evidence view) and the stored datagrams behind it, decodable in
 * place; then the config fields it read (paths, never values).
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchDatagramDecode, type EvidenceDatagram, type EvidenceEvent } from '../api/diagnose-api.ts';

function DatagramDecode({ id }: { id: number }) {
  const decode = useAsync((signal) => fetchDatagramDecode(id, signal), [id]);
  return <AsyncContent state={decode}>{(entry) => <pre className="snoop-text full-decode">{entry.text}</pre>}</AsyncContent>;
}

function DatagramLine({ datagram }: { datagram: EvidenceDatagram }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="evidence-datagram" data-datagram-id={datagram.id}>
      <span className="muted small">
        datagram {datagram.id} ({datagram.direction === 'in' ? 'received' : 'sent'}
        {datagram.exchange ? `, ${datagram.exchange}` : ''}
        {datagram.messageId !== null ? ` ${datagram.messageId}` : ''})
      </span>{' '}
      <button type="button" className="link-button" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? 'hide decode' : 'decode -full'}
      </button>
      <pre className="snoop-text">{datagram.text}</pre>
      {open ? <DatagramDecode id={datagram.id} /> : null}
    </li>
  );
}

export function FindingEvidence({ events, configPaths }: { events: EvidenceEvent[]; configPaths: string[] }) {
  return (
    <div data-testid="finding-evidence">
      {events.length === 0 ? (
        <NoData text="This finding cites no stored event (it is read from the config alone)." />
      ) : (
        <ol className="evidence-list">
          {events.map((event) => (
            <li key={event.id} data-event-id={event.id} data-type={event.type}>
              <div className="evidence-head">
                <span className="mono muted">{formatDateTime(event.time)}</span>
                <StatusBadge tone={event.code ? 'bad' : 'info'}>{event.code ?? event.type}</StatusBadge>
                {event.code ? <span className="muted small">{event.type}</span> : null}
                {event.tunnel ? <span>{event.tunnel}</span> : null}
                {event.peer ? <span className="mono">{event.peer}</span> : null}
                <Link to={`/snoop?evidence=${event.id}`} className="evidence-link" data-testid="evidence-snoop-link">
                  snoop evidence (event {event.id})
                </Link>
              </div>
              {event.text ? <pre className="evidence-text">{event.text}</pre> : null}
              {event.datagrams.length > 0 ? (
                <ul className="evidence-datagrams">
                  {event.datagrams.map((datagram) => (
                    <DatagramLine key={datagram.id} datagram={datagram} />
                  ))}
                </ul>
              ) : null}
              {event.unlinkedDatagrams > 0 ? (
                <p className="muted small">
                  {event.unlinkedDatagrams} cited datagram{event.unlinkedDatagrams === 1 ? ' is' : 's are'} no longer stored.
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {configPaths.length > 0 ? (
        <p className="small">
          <span className="muted">Config fields read: </span>
          {configPaths.map((path) => (
            <code key={path} className="config-path">
              {path}
            </code>
          ))}
        </p>
      ) : null}
    </div>
  );
}
