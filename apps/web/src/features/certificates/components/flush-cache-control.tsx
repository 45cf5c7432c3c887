/**
 * `ike -certflush` for operators, behind a confirmation that says what it
 * does: every cached peer certificate and CRL is dropped and the next
 * negotiation fetches them again.
 */
import { useState } from 'react';
import { describeError } from '../../../lib/http-client.ts';
import { flushCertificateCache } from '../api/certificates-api.ts';

export function FlushCacheControl({ certificates, crls, onFlushed }: { certificates: number; crls: number; onFlushed: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function flush() {
    setBusy(true);
    setError(null);
    try {
      const result = await flushCertificateCache();
      setMessage(`Flushed ${result.flushedCertificates} certificate${result.flushedCertificates === 1 ? '' : 's'} and ${result.flushedCrls} CRL${result.flushedCrls === 1 ? '' : 's'}.`);
      setConfirming(false);
      onFlushed();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="cert-flush">
      <button type="button" className="danger" onClick={() => { setConfirming(true); setMessage(null); }} data-testid="cert-flush">
        Flush cache…
      </button>
      {message ? <span className="notice small" data-testid="cert-flush-result">{message}</span> : null}
      {confirming ? (
        <div className="confirm-box cert-confirm" role="alertdialog" aria-label="Confirm certificate cache flush" data-testid="cert-flush-confirm">
          <p>
            Flush the certificate cache (<span className="mono">ike -certflush</span>)? {certificates} certificate{certificates === 1 ? '' : 's'} and {crls} CRL
            {crls === 1 ? '' : 's'} are dropped; the next negotiation fetches them again.
          </p>
          {error ? <p className="state-error">{error}</p> : null}
          <button type="button" className="primary" onClick={() => void flush()} disabled={busy}>
            {busy ? 'Flushing…' : 'Flush'}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      ) : null}
    </span>
  );
}
