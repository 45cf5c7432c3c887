/** CRL status: each CRL the cache knows, its state (valid, stale, unreachable, DNS failure, ...), dates and last error. */
import type { CrlView } from '@tunnelscope/api';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { CRL_STATE_TONES, formatInZone } from '../hooks/certificate-format.ts';

function When({ ms, timeZone }: { ms: number | undefined; timeZone: string }) {
  if (ms === undefined) return <span className="muted">—</span>;
  const shown = formatInZone(ms, timeZone);
  return (
    <span className="mono">
      {shown.date} {shown.time}
    </span>
  );
}

export function CrlList({ crls, timeZone }: { crls: CrlView[]; timeZone: string }) {
  if (crls.length === 0) {
    return <p className="no-data">No CRL in the cache: CRLs are fetched from a certificate's distribution point when a certificate is checked.</p>;
  }
  return (
    <div className="table-scroll">
      <table className="grid" data-testid="crl-table">
        <thead>
          <tr>
            <th>Issuer</th>
            <th>URL</th>
            <th>State</th>
            <th>This update</th>
            <th>Next update</th>
            <th>Fetched</th>
            <th className="num">Revoked</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {crls.map((crl) => (
            <tr key={`${crl.issuer}|${crl.url}`} data-state={crl.state}>
              <td className="mono">{crl.issuer}</td>
              <td className="mono">{crl.url}</td>
              <td>
                <StatusBadge tone={CRL_STATE_TONES[crl.state]}>{crl.state.replace(/_/g, ' ')}</StatusBadge>
              </td>
              <td>
                <When ms={crl.thisUpdate} timeZone={timeZone} />
              </td>
              <td>
                <When ms={crl.nextUpdate} timeZone={timeZone} />
              </td>
              <td>
                <When ms={crl.fetchedAt} timeZone={timeZone} />
              </td>
              <td className="num">{crl.revokedCount ?? '—'}</td>
              <td className="cert-error">{crl.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
