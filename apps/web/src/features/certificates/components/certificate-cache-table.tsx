/**
 * The certificate cache as `ike -certshow -verbose` lays it out: number,
 * Subject and Issuer with their DN parts one per line, Valid From / Valid
 * To as date over time in the gateway's time zone, and the status as a
 * badge (with why, when the engine says). A row opens its details.
 */
import type { CertificateSummary } from '@tunnelscope/api';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatInZone, splitDistinguishedName, STATUS_TONES } from '../hooks/certificate-format.ts';

function DistinguishedName({ dn }: { dn: string }) {
  const parts = splitDistinguishedName(dn);
  return (
    <span className="dn mono" title={dn}>
      {parts.map((part, index) => (
        <span key={index} className="dn-part">
          {part}
          {index < parts.length - 1 ? ',' : ''}
        </span>
      ))}
    </span>
  );
}

export function ZonedTime({ ms, timeZone }: { ms: number; timeZone: string }) {
  const shown = formatInZone(ms, timeZone);
  return (
    <span className="mono zoned-time" title={`${new Date(ms).toISOString()} (UTC)`}>
      <span>{shown.date}</span>
      <span>{shown.time}</span>
    </span>
  );
}

export function CertificateStatusBadge({ certificate }: { certificate: CertificateSummary }) {
  return (
    <StatusBadge tone={STATUS_TONES[certificate.status]} {...(certificate.statusDetail ? { title: certificate.statusDetail } : {})}>
      {certificate.status}
    </StatusBadge>
  );
}

interface CertificateCacheTableProps {
  certificates: CertificateSummary[];
  timeZone: string;
  selectedId: string;
  onSelect: (id: string) => void;
}

export function CertificateCacheTable({ certificates, timeZone, selectedId, onSelect }: CertificateCacheTableProps) {
  return (
    <div className="table-scroll">
      <table className="grid cert-table" data-testid="cert-cache-table">
        <caption>
          Times in the gateway's zone: <span className="mono">{timeZone || 'UTC'}</span> (validity is judged in UTC)
        </caption>
        <thead>
          <tr>
            <th>#</th>
            <th>Subject</th>
            <th>Issuer</th>
            <th>Valid From</th>
            <th>Valid To</th>
            <th>Status</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {certificates.map((certificate, index) => (
            <tr
              key={certificate.id}
              className={certificate.id === selectedId ? 'selected' : undefined}
              onClick={() => onSelect(certificate.id)}
              data-cert-id={certificate.id}
              data-status={certificate.status}
            >
              <td className="num">{index + 1}</td>
              <td>
                <DistinguishedName dn={certificate.subject} />
              </td>
              <td>
                <DistinguishedName dn={certificate.issuer} />
              </td>
              <td>
                <ZonedTime ms={certificate.validFrom} timeZone={timeZone} />
              </td>
              <td>
                <ZonedTime ms={certificate.validTo} timeZone={timeZone} />
              </td>
              <td>
                <CertificateStatusBadge certificate={certificate} />
                {certificate.statusDetail ? <div className="small muted cert-status-detail">{certificate.statusDetail}</div> : null}
              </td>
              <td className="small">
                {certificate.source}
                {certificate.isCa ? ' (CA)' : ''}
                {certificate.receivedFrom ? <div className="muted mono">from {certificate.receivedFrom}</div> : null}
                <div>
                  <button type="button" className="link-button" onClick={() => onSelect(certificate.id)} aria-label={`Details of certificate ${index + 1}`}>
                    details
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
