/** One coded event shown beside the messages it cites: code, message, evidence, proposal tables. */
import { Link } from 'react-router';
import type { StoredEvent } from '../../../lib/api-types.ts';
import { evidenceDatagramIds, eventMessage } from '../../../lib/event-kinds.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { ProposalComparison, proposalEvidence } from './proposal-comparison.tsx';

export function RelatedEvent({ event }: { event: StoredEvent }) {
  const evidence = event.event['evidence'];
  const proposals = proposalEvidence(evidence);
  const datagrams = evidenceDatagramIds(event);
  const otherEvidence =
    typeof evidence === 'object' && evidence !== null
      ? Object.entries(evidence as Record<string, unknown>).filter(
          ([key]) => !['datagramIds', 'offered', 'configured', 'answered', 'unmatchedTransformTypes'].includes(key),
        )
      : [];
  return (
    <article className="related-event" data-testid="related-event" data-code={event.code ?? ''}>
      <header>
        <span className="badge badge-bad">{event.code ?? event.type}</span> <span className="mono muted">{formatDateTime(event.time)}</span>{' '}
        {event.tunnel ? <Link to={`/timeline?tunnel=${encodeURIComponent(event.tunnel)}`}>{event.tunnel}</Link> : null}
      </header>
      <p>{eventMessage(event)}</p>
      {proposals ? <ProposalComparison {...proposals} /> : null}
      {otherEvidence.length > 0 ? (
        <dl className="evidence-fields">
          {otherEvidence.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd className="mono">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {datagrams.length > 0 ? <p className="muted small">Based on stored datagram{datagrams.length === 1 ? '' : 's'} {datagrams.join(', ')}.</p> : null}
    </article>
  );
}
