/**
 * The certificate directory: the gateway's own certificates (name.cer with
 * name.key, by the seed's convention) with every problem the engine found
 * reported by name (missing key, names that differ, key not matching), the
 * tunnels using each, and the CA trust anchors.
 */
import type { CertificateStoreView } from '@tunnelscope/api';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { CertificateStatusBadge, ZonedTime } from './certificate-cache-table.tsx';

export function CertificateStore({ store, timeZone }: { store: CertificateStoreView; timeZone: string }) {
  return (
    <div className="cert-store" data-testid="cert-store">
      <p className="muted small">
        Directory: <span className="mono">{store.directory}</span>
      </p>
      <h3 className="cert-subhead">Local certificates (.cer + .key)</h3>
      {store.local.length === 0 ? (
        <p className="no-data">No local certificate in the directory.</p>
      ) : (
        <table className="grid" data-testid="cert-local-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Subject</th>
              <th>Valid To</th>
              <th>Status</th>
              <th>Key</th>
              <th>Used by</th>
              <th>Problems</th>
            </tr>
          </thead>
          <tbody>
            {store.local.map((local) => (
              <tr key={local.name} data-name={local.name}>
                <td className="mono">{local.name}</td>
                <td className="mono">{local.certificate?.subject ?? <span className="muted">no certificate</span>}</td>
                <td>{local.certificate ? <ZonedTime ms={local.certificate.validTo} timeZone={timeZone} /> : null}</td>
                <td>{local.certificate ? <CertificateStatusBadge certificate={local.certificate} /> : null}</td>
                <td>
                  {!local.hasKey ? (
                    <StatusBadge tone="bad">no key</StatusBadge>
                  ) : local.keyMatches === false ? (
                    <StatusBadge tone="bad">key does not match</StatusBadge>
                  ) : local.keyMatches === true ? (
                    <StatusBadge tone="ok">key matches</StatusBadge>
                  ) : (
                    <StatusBadge tone="muted">key present</StatusBadge>
                  )}
                </td>
                <td>{local.usedBy.length === 0 ? <span className="muted">—</span> : local.usedBy.join(', ')}</td>
                <td className="cert-error" data-testid="cert-local-problems">
                  {local.problems.length === 0 ? null : (
                    <ul className="cert-problems">
                      {local.problems.map((problem) => (
                        <li key={problem}>{problem}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="cert-subhead">Certificate authorities (trust anchors)</h3>
      {store.authorities.length === 0 ? (
        <p className="no-data">No CA certificate: peer certificates cannot be verified until one is added.</p>
      ) : (
        <table className="grid" data-testid="cert-ca-table">
          <thead>
            <tr>
              <th>Subject</th>
              <th>Valid From</th>
              <th>Valid To</th>
              <th>Status</th>
              <th>Key</th>
            </tr>
          </thead>
          <tbody>
            {store.authorities.map((ca) => (
              <tr key={ca.id}>
                <td className="mono">{ca.subject}</td>
                <td>
                  <ZonedTime ms={ca.validFrom} timeZone={timeZone} />
                </td>
                <td>
                  <ZonedTime ms={ca.validTo} timeZone={timeZone} />
                </td>
                <td>
                  <CertificateStatusBadge certificate={ca} />
                </td>
                <td>{ca.keyType}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
