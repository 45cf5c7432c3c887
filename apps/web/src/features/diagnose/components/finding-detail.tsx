/**
 * One finding in full: the seed's title and section, where the fix belongs
 * and in which phase, how confident diagnosis is and why, the plain
 * explanation, the fix steps, the machine fixes, the PSK test (for findings
 * where a key did not verify), swanctl.conf for the peer, the evidence, and
 * the guided wizard for it.
 */
import type { ReactNode } from 'react';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { ApiRequestError, describeError } from '../../../lib/http-client.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchFindingDetail, PSK_FINDING_CODES, type Finding, type WizardInfo } from '../api/diagnose-api.ts';
import { formatConfidence, PHASE_WORDS, SEVERITY_TONES, SIDE_WORDS } from '../hooks/diagnosis-wording.ts';
import { FindingEvidence } from './finding-evidence.tsx';
import { MachineFixes } from './machine-fixes.tsx';
import { PskTestForm } from './psk-test-form.tsx';
import { SwanctlConf } from './swanctl-conf.tsx';

interface FindingDetailProps {
  findingId: string;
  wizards: WizardInfo[];
  onOpenWizard: (finding: Finding) => void;
  onApplied: () => void;
  onClose: () => void;
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="finding-section" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function FindingFacts({ finding }: { finding: Finding }) {
  return (
    <dl className="evidence-fields finding-facts">
      <div>
        <dt>Tunnel</dt>
        <dd>{finding.tunnel ?? 'none'}</dd>
      </div>
      <div>
        <dt>Peer</dt>
        <dd className="mono">{finding.peer ?? 'unknown'}</dd>
      </div>
      <div>
        <dt>Fix belongs on</dt>
        <dd data-testid="finding-side">{SIDE_WORDS[finding.side]}</dd>
      </div>
      <div>
        <dt>Phase</dt>
        <dd data-testid="finding-phase">{PHASE_WORDS[finding.phase]}</dd>
      </div>
      <div>
        <dt>Confidence</dt>
        <dd>
          <strong data-testid="finding-confidence">{formatConfidence(finding.confidence.score)}</strong>
          {finding.confidence.reasoning.length > 0 ? (
            <ul className="reasoning">
              {finding.confidence.reasoning.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Seen</dt>
        <dd>
          {finding.evidence.occurrences}×
          {finding.evidence.firstSeenAt !== null ? `, first ${formatDateTime(finding.evidence.firstSeenAt)}` : ''}
          {finding.evidence.lastSeenAt !== null ? `, last ${formatDateTime(finding.evidence.lastSeenAt)}` : ''}
          {finding.resolvedSince ? ' — a later success suggests it is resolved' : ''}
        </dd>
      </div>
    </dl>
  );
}

export function FindingDetailView({ findingId, wizards, onOpenWizard, onApplied, onClose }: FindingDetailProps) {
  const detail = useAsync((signal) => fetchFindingDetail(findingId, signal), [findingId]);
  if (detail.status === 'error' && detail.error instanceof ApiRequestError && detail.error.status === 404) {
    return (
      <NoData text={`This finding is no longer reported (${describeError(detail.error)}): the problem may be resolved, or its events have left the diagnosis window.`} />
    );
  }
  return (
    <AsyncContent state={detail}>
      {({ finding, evidence, configVersion }) => {
        const wizard = wizards.find((candidate) => candidate.id === finding.wizard);
        return (
          <article className="finding-detail" data-testid="finding-detail" data-finding-id={finding.id} data-code={finding.code}>
            <header className="finding-detail-head">
              <h2 data-testid="finding-title">{finding.title}</h2>
              <span>
                <StatusBadge tone={SEVERITY_TONES[finding.severity]}>{finding.severity}</StatusBadge> <code data-testid="finding-code">{finding.code}</code>{' '}
                <span className="muted">seed {finding.seedSection}</span> <span className="muted small">config version {configVersion}</span>
              </span>
              <span className="toolbar">
                <button type="button" onClick={detail.reload}>
                  Refresh
                </button>
                <button type="button" onClick={onClose}>
                  Close
                </button>
              </span>
            </header>
            <FindingFacts finding={finding} />
            <Section title="What it means">
              <p data-testid="finding-explanation">{finding.explanation}</p>
            </Section>
            <Section title="How to fix it" testId="finding-fix-steps">
              {finding.fixSteps.length > 0 ? (
                <ol>
                  {finding.fixSteps.map((step) => (
                    <li key={step}>{step}</li>
                  ))}
                </ol>
              ) : (
                <NoData text="No fix steps for this finding." />
              )}
            </Section>
            <Section title="Machine fixes" testId="finding-machine-fixes">
              <MachineFixes findingId={finding.id} fixes={finding.fixes} tunnel={finding.tunnel} onApplied={onApplied} />
            </Section>
            {PSK_FINDING_CODES.has(finding.code) && finding.tunnel ? (
              <Section title="Would this PSK work?">
                <PskTestForm tunnel={finding.tunnel} />
              </Section>
            ) : null}
            {finding.tunnel ? (
              <Section title="swanctl.conf for the peer">
                <SwanctlConf tunnel={finding.tunnel} peer={finding.peer} />
              </Section>
            ) : null}
            <Section title="Guided wizard">
              {wizard ? (
                <p>
                  <button type="button" onClick={() => onOpenWizard(finding)} data-testid="open-finding-wizard">
                    Open the wizard: {wizard.title} (seed {wizard.seedSection})
                  </button>
                </p>
              ) : (
                <NoData text={`No wizard named ${finding.wizard}.`} />
              )}
            </Section>
            <Section title={`Evidence (${evidence.events.length} event${evidence.events.length === 1 ? '' : 's'})`}>
              <FindingEvidence events={evidence.events} configPaths={finding.evidence.configPaths} />
            </Section>
          </article>
        );
      }}
    </AsyncContent>
  );
}
