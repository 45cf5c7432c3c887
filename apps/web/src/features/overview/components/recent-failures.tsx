/** Recent failures, newest first, each with a link to its evidence (the snoop lines and the event). */
import { Link } from 'react-router';
import { NoData } from '../../../components/ui/async-content.tsx';
import type { StoredEvent } from '../../../lib/api-types.ts';
import { evidenceDatagramIds, eventMessage } from '../../../lib/event-kinds.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { buildQuery } from '../../../lib/http-client.ts';

export function RecentFailures({ failures }: { failures: StoredEvent[] }) {
  if (failures.length === 0) return <NoData text="No failures recorded." />;
  return (
    <ul className="failure-list" data-testid="recent-failures">
      {failures.map((failure) => {
        const datagrams = evidenceDatagramIds(failure);
        return (
          <li key={failure.id} data-code={failure.code ?? ''}>
            <span className="mono muted">{formatDateTime(failure.time)}</span>{' '}
            <span className="badge badge-bad">{failure.code ?? failure.type}</span>{' '}
            {failure.tunnel ? (
              <Link to={`/timeline?tunnel=${encodeURIComponent(failure.tunnel)}`}>{failure.tunnel}</Link>
            ) : (
              <span className="muted">no tunnel selected</span>
            )}
            {failure.peer ? <span className="mono muted"> {failure.peer}</span> : null}
            <div className="failure-message">{eventMessage(failure)}</div>
            <Link to={`/snoop?evidence=${failure.id}`} className="evidence-link">
              evidence{datagrams.length > 0 ? ` (${datagrams.length} message${datagrams.length === 1 ? '' : 's'})` : ''}
            </Link>{' '}
            <Link to={`/diagnose${buildQuery({ tunnel: failure.tunnel, peer: failure.peer, code: failure.code })}`} className="evidence-link" data-testid="diagnose-link">
              Diagnose
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
