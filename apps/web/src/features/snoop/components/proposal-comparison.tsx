/**
 * Offered vs configured proposals from a failure's evidence, as tables: one
 * row per proposal, one cell per transform; a transform the other side has
 * in none of its proposals (of the same protocol) is highlighted, which is
 * the seed's "compare with your own proposal list" done for the operator.
 */
interface ProposalComparisonProps {
  offered: string[];
  configured: string[];
  unmatchedTypes: string[];
  offeredLabel?: string;
  configuredLabel?: string;
}

interface ParsedProposal {
  protocol: string;
  transforms: string[];
}

function parseProposal(text: string): ParsedProposal {
  const colon = text.indexOf(':');
  const protocol = colon > 0 ? text.slice(0, colon) : '';
  const body = colon > 0 ? text.slice(colon + 1) : text;
  return { protocol, transforms: body.split('-').filter((t) => t !== '') };
}

function transformsOf(proposals: ParsedProposal[], protocol: string): Set<string> {
  return new Set(proposals.filter((p) => p.protocol === protocol || protocol === '' || p.protocol === '').flatMap((p) => p.transforms));
}

function ProposalTable({ title, proposals, other, testId }: { title: string; proposals: ParsedProposal[]; other: ParsedProposal[]; testId: string }) {
  return (
    <table className="grid proposal-table" data-testid={testId}>
      <caption>{title}</caption>
      <tbody>
        {proposals.length === 0 ? (
          <tr>
            <td className="muted">none</td>
          </tr>
        ) : (
          proposals.map((proposal, index) => {
            const known = transformsOf(other, proposal.protocol);
            return (
              <tr key={index}>
                <td className="num">#{index + 1}</td>
                <td>{proposal.protocol}</td>
                {proposal.transforms.map((transform, t) => {
                  const missing = other.length > 0 && !known.has(transform);
                  return (
                    <td key={t} className={`mono${missing ? ' transform-mismatch' : ''}`} title={missing ? 'not in any proposal of the other side' : undefined}>
                      {transform}
                    </td>
                  );
                })}
              </tr>
            );
          })
        )}
      </tbody>
    </table>
  );
}

export function ProposalComparison({
  offered,
  configured,
  unmatchedTypes,
  offeredLabel = 'Offered by the peer',
  configuredLabel = 'Configured here',
}: ProposalComparisonProps) {
  const offeredParsed = offered.map(parseProposal);
  const configuredParsed = configured.map(parseProposal);
  return (
    <div className="proposal-comparison">
      {unmatchedTypes.length > 0 ? (
        <p>
          No common algorithm for: <strong>{unmatchedTypes.join(', ')}</strong>
        </p>
      ) : offered.length > 0 && configured.length > 0 ? (
        <p>Every transform type has a common algorithm, but no single proposal pair agrees on all of them.</p>
      ) : null}
      <div className="proposal-columns">
        <ProposalTable title={offeredLabel} proposals={offeredParsed} other={configuredParsed} testId="proposals-offered" />
        <ProposalTable title={configuredLabel} proposals={configuredParsed} other={offeredParsed} testId="proposals-configured" />
      </div>
    </div>
  );
}

/** Reads offered/configured proposal lists from an event's evidence, if it has them. */
export function proposalEvidence(evidence: unknown): ProposalComparisonProps | null {
  if (typeof evidence !== 'object' || evidence === null) return null;
  const record = evidence as Record<string, unknown>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null);
  const offered = strings(record['offered']);
  const configured = strings(record['configured']) ?? strings(record['answered']);
  if (offered === null || configured === null) return null;
  return {
    offered,
    configured,
    unmatchedTypes: strings(record['unmatchedTransformTypes']) ?? [],
    ...(record['answered'] !== undefined && record['configured'] === undefined
      ? { offeredLabel: 'Offered by us', configuredLabel: 'Answered by the peer' }
      : {}),
  };
}
