/**
 * Certificates: the IKE certificate cache as `ike -certshow -verbose` shows
 * it (with status badges and the server's own text), a validity timeline
 * against "now", one certificate's details, CRL status, the certificate
 * directory (local .cer/.key pairs and CAs), the flush (operators) and the
 * upload (admins). Live: the `cert` stream topic re-reads the cache.
 *
 * URL: ?cert=<sha-256 id> selects a certificate; ?tab=text shows the text.
 */
import { Panel } from '../../../components/ui/panel.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { useQueryParam } from '../../../lib/use-query-state.ts';
import { formatInZone } from '../hooks/certificate-format.ts';
import { useCertificates } from '../hooks/use-certificates.ts';
import { CertificateCacheTable } from './certificate-cache-table.tsx';
import { CertificateDetailPanel } from './certificate-detail-panel.tsx';
import { CertificateStore } from './certificate-store.tsx';
import { CertificateUploadForm } from './certificate-upload-form.tsx';
import { CrlList } from './crl-list.tsx';
import { FlushCacheControl } from './flush-cache-control.tsx';
import { ValidityTimeline } from './validity-timeline.tsx';
import './certificates.css';

function engineClock(time: number, timeZone: string): string {
  const shown = formatInZone(time, timeZone);
  return `${shown.date} ${shown.time}`;
}

export function CertificatesPage() {
  const data = useCertificates();
  const [selected, setSelected] = useQueryParam('cert');
  const [tab, setTab] = useQueryParam('tab', 'table');
  const cache = data.cache;
  const timeZone = cache?.timeZone ?? 'UTC';
  const selectedInCache = cache?.certificates.some((c) => c.id === selected) ?? false;

  return (
    <div className="page certificates-page" data-testid="certificates">
      <Panel
        title="Certificate cache (ike -certshow -verbose)"
        testId="cert-cache"
        actions={
          <>
            <div className="segmented" role="tablist" aria-label="Cache view">
              <button type="button" role="tab" aria-selected={tab === 'table'} aria-pressed={tab === 'table'} onClick={() => setTab('table')}>
                Table
              </button>
              <button type="button" role="tab" aria-selected={tab === 'text'} aria-pressed={tab === 'text'} onClick={() => setTab('text')}>
                -certshow text
              </button>
            </div>
            {cache ? (
              <span className="muted small" data-testid="cert-engine-clock">
                engine clock <span className="mono">{engineClock(cache.time, cache.timeZone)}</span> ({cache.timeZone})
              </span>
            ) : null}
            {cache ? (
              <RoleGate role="operator">
                <FlushCacheControl certificates={cache.certificates.length} crls={cache.crls.length} onFlushed={data.reload} />
              </RoleGate>
            ) : null}
          </>
        }
      >
        {data.cacheError ? (
          <p className="state-error" role="alert">
            {data.cacheError}
          </p>
        ) : null}
        {cache === null ? (
          data.cacheError ? null : <p className="state-loading">Loading…</p>
        ) : tab === 'text' ? (
          <pre className="cert-text" data-testid="cert-text">
            {cache.text}
          </pre>
        ) : cache.certificates.length === 0 ? (
          <p className="no-data" data-testid="cert-cache-empty">
            No certificates in the cache yet — they arrive with the first certificate negotiation.
          </p>
        ) : (
          <CertificateCacheTable certificates={cache.certificates} timeZone={timeZone} selectedId={selected} onSelect={setSelected} />
        )}
      </Panel>
      {cache && cache.certificates.length > 0 ? (
        <Panel title="Validity timeline">
          <ValidityTimeline certificates={cache.certificates} now={cache.time + (Date.now() - data.cacheReadAt)} timeZone={timeZone} />
        </Panel>
      ) : null}
      {selected !== '' ? (
        <Panel
          title="Certificate details"
          testId="cert-detail-panel"
          actions={
            <button type="button" onClick={() => setSelected('')}>
              Close
            </button>
          }
        >
          {cache && !selectedInCache ? <p className="muted small">This certificate is no longer in the cache list.</p> : null}
          <CertificateDetailPanel id={selected} timeZone={timeZone} />
        </Panel>
      ) : null}
      <Panel title="CRLs">
        {cache === null ? <p className="state-loading">Loading…</p> : <CrlList crls={cache.crls} timeZone={timeZone} />}
      </Panel>
      <Panel title="Certificate directory">
        {data.storeError ? <p className="state-error">{data.storeError}</p> : null}
        {data.store === null ? data.storeError ? null : <p className="state-loading">Loading…</p> : <CertificateStore store={data.store} timeZone={timeZone} />}
      </Panel>
      <RoleGate role="admin">
        <Panel title="Upload a certificate">
          <CertificateUploadForm onUploaded={data.reload} />
        </Panel>
      </RoleGate>
    </div>
  );
}
