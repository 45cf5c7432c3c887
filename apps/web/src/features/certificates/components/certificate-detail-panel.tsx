/**
 * One cached certificate in full: its chain up to the trust anchor as the
 * engine built it (or why it could not), extensions with criticality,
 * subjectAltNames, CRL distribution points, fingerprints and the PEM.
 */
import type { CertificateDetail } from '@tunnelscope/api';
import { AsyncContent } from '../../../components/ui/async-content.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchCertificateDetail } from '../api/certificates-api.ts';
import { CertificateStatusBadge, ZonedTime } from './certificate-cache-table.tsx';

function Fingerprint({ hex }: { hex: string }) {
  const pairs = hex.replace(/[^0-9a-f]/gi, '').toUpperCase().match(/.{1,2}/g) ?? [];
  return <span className="mono fingerprint">{pairs.join(':')}</span>;
}

function DetailBody({ detail, timeZone }: { detail: CertificateDetail; timeZone: string }) {
  const c = detail.certificate;
  return (
    <div className="cert-detail" data-testid="cert-detail">
      <dl className="evidence-fields">
        <div>
          <dt>Subject</dt>
          <dd className="mono">{c.subject}</dd>
        </div>
        <div>
          <dt>Issuer</dt>
          <dd className="mono">{c.issuer}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <CertificateStatusBadge certificate={c} /> {c.statusDetail ?? ''}
          </dd>
        </div>
        <div>
          <dt>Valid</dt>
          <dd>
            <ZonedTime ms={c.validFrom} timeZone={timeZone} /> → <ZonedTime ms={c.validTo} timeZone={timeZone} />
          </dd>
        </div>
        <div>
          <dt>Serial</dt>
          <dd className="mono">{c.serialNumber}</dd>
        </div>
        <div>
          <dt>Key</dt>
          <dd>
            {c.keyType}
            {c.isCa ? ' · CA' : ''}
          </dd>
        </div>
        <div>
          <dt>SHA-256</dt>
          <dd>
            <Fingerprint hex={c.id} />
          </dd>
        </div>
        <div>
          <dt>SHA-1</dt>
          <dd>
            <Fingerprint hex={detail.fingerprintSha1} />
          </dd>
        </div>
        <div>
          <dt>subjectAltName</dt>
          <dd className="mono">{detail.subjectAltNames.length === 0 ? <span className="muted">none</span> : detail.subjectAltNames.join(', ')}</dd>
        </div>
        <div>
          <dt>CRL distribution points</dt>
          <dd className="mono">
            {detail.crlDistributionPoints.length === 0 ? (
              <span className="muted">none (no CRL check possible for this certificate)</span>
            ) : (
              detail.crlDistributionPoints.map((url) => <div key={url}>{url}</div>)
            )}
          </dd>
        </div>
      </dl>
      <h3>Chain</h3>
      {detail.chainError ? (
        <p className="state-error" data-testid="cert-chain-error">
          {detail.chainError}
        </p>
      ) : null}
      <ol className="cert-chain" data-testid="cert-chain">
        {detail.chain.map((link) => (
          <li key={link.id}>
            <span className="mono">{link.subject}</span> <CertificateStatusBadge certificate={link} />{' '}
            <span className="muted small">
              {link.source}
              {link.isCa ? ' CA' : ''}
            </span>
          </li>
        ))}
      </ol>
      <h3>Extensions</h3>
      {detail.extensions.length === 0 ? (
        <p className="no-data">No extensions.</p>
      ) : (
        <table className="grid compact">
          <thead>
            <tr>
              <th>Extension</th>
              <th>Critical</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {detail.extensions.map((ext) => (
              <tr key={ext.oid}>
                <td title={ext.oid}>{ext.name}</td>
                <td>{ext.critical ? 'yes' : 'no'}</td>
                <td className="mono cert-ext-value">{ext.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>PEM</summary>
        <pre className="cert-pem">{detail.pem}</pre>
      </details>
    </div>
  );
}

export function CertificateDetailPanel({ id, timeZone }: { id: string; timeZone: string }) {
  const state = useAsync((signal) => fetchCertificateDetail(id, signal), [id]);
  return <AsyncContent state={state}>{(detail) => <DetailBody detail={detail} timeZone={timeZone} />}</AsyncContent>;
}
