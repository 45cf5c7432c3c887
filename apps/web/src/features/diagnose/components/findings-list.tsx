/** The findings, most confident first: the seed's title, code, tunnel and peer, side and phase, confidence. */
import { NoData } from '../../../components/ui/async-content.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import type { Finding } from '../api/diagnose-api.ts';
import { formatConfidence, PHASE_WORDS, SEVERITY_TONES, SIDE_WORDS } from '../hooks/diagnosis-wording.ts';

interface FindingsListProps {
  findings: Finding[];
  selectedId: string;
  filtered: boolean;
  onSelect: (id: string) => void;
}

export function FindingsList({ findings, selectedId, filtered, onSelect }: FindingsListProps) {
  if (findings.length === 0) return <NoData text={filtered ? 'No findings for this tunnel.' : 'No findings.'} />;
  return (
    <ul className="finding-list" data-testid="findings">
      {findings.map((finding) => (
        <li
          key={finding.id}
          className={finding.id === selectedId ? 'selected' : undefined}
          data-finding-id={finding.id}
          data-code={finding.code}
          data-tunnel={finding.tunnel ?? ''}
        >
          <button type="button" className="finding-row" onClick={() => onSelect(finding.id === selectedId ? '' : finding.id)} aria-pressed={finding.id === selectedId}>
            <span className="finding-title">
              <StatusBadge tone={SEVERITY_TONES[finding.severity]}>{finding.severity}</StatusBadge> <strong>{finding.title}</strong>{' '}
              <code className="finding-code">{finding.code}</code>
              {finding.resolvedSince ? (
                <>
                  {' '}
                  <StatusBadge tone="ok" title="A later success of the same tunnel suggests the problem is gone">
                    resolved since
                  </StatusBadge>
                </>
              ) : null}
            </span>
            <span className="finding-meta">
              <span>{finding.tunnel ?? 'no tunnel'}</span>
              {finding.peer ? <span className="mono">{finding.peer}</span> : null}
              <span>fix on {SIDE_WORDS[finding.side]}</span>
              <span>{PHASE_WORDS[finding.phase]}</span>
              <span title={finding.confidence.reasoning.join('\n')}>confidence {formatConfidence(finding.confidence.score)}</span>
              <span>
                {finding.evidence.occurrences}× {finding.evidence.lastSeenAt !== null ? `last ${formatDateTime(finding.evidence.lastSeenAt)}` : 'from the config'}
              </span>
              <span className="muted">seed {finding.seedSection}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
