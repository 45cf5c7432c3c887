/**
 * Upload (admins): a local certificate with its private key (stored as
 * name.cer + name.key) or a CA certificate, as PEM text or a file (PEM or
 * DER). The server validates and names the field it rejects; that message
 * shows beside the field. The private key is write-only: a chosen key file
 * is never shown, the key field is emptied after every submit, and nothing
 * reads it back.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { CertificateUpload } from '@tunnelscope/api';
import { ApiRequestError, describeError } from '../../../lib/http-client.ts';
import { uploadCertificate } from '../api/certificates-api.ts';

type FieldName = 'kind' | 'name' | 'certificate' | 'privateKey';

/** PEM stays text; anything else (DER) goes as base64, as the contract allows. */
async function readCertificateFile(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('-----BEGIN')) return text;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fieldErrorsOf(error: unknown): Partial<Record<FieldName, string>> {
  if (!(error instanceof ApiRequestError)) return {};
  const out: Partial<Record<FieldName, string>> = {};
  for (const field of error.fields) {
    const name = field.path.replace(/^\/?(body[./])?/, '').split(/[./]/)[0] as FieldName;
    out[name] = out[name] ? `${out[name]}; ${field.message}` : field.message;
  }
  return out;
}

export function CertificateUploadForm({ onUploaded }: { onUploaded: () => void }) {
  const [kind, setKind] = useState<'local' | 'ca'>('local');
  const [name, setName] = useState('');
  const [certificate, setCertificate] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [keyFileName, setKeyFileName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const keyFileInput = useRef<HTMLInputElement>(null);

  function clearKey() {
    setPrivateKey('');
    setKeyFileName(null);
    if (keyFileInput.current) keyFileInput.current.value = '';
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const upload: CertificateUpload = { kind, name: name.trim(), certificate };
    if (kind === 'local' && privateKey !== '') upload.privateKey = privateKey;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await uploadCertificate(upload);
      setDone(`Stored ${kind === 'local' ? `${upload.name}.cer${upload.privateKey ? ` and ${upload.name}.key` : ''}` : `CA certificate ${upload.name}`}.`);
      setCertificate('');
      onUploaded();
    } catch (err) {
      setError(err);
    } finally {
      clearKey();
      setBusy(false);
    }
  }

  const fieldErrors = fieldErrorsOf(error);
  const unplaced = error !== null && Object.keys(fieldErrors).length === 0;
  return (
    <form className="cert-upload" onSubmit={submit} data-testid="cert-upload" aria-label="Upload certificate">
      <div className={`field ${fieldErrors.kind ? 'field-invalid' : ''}`}>
        <span className="field-label">Kind</span>
        <div className="segmented" role="radiogroup" aria-label="Certificate kind">
          <button type="button" aria-pressed={kind === 'local'} onClick={() => setKind('local')}>
            Local (.cer + .key)
          </button>
          <button
            type="button"
            aria-pressed={kind === 'ca'}
            onClick={() => {
              setKind('ca');
              clearKey();
            }}
          >
            CA
          </button>
        </div>
        {fieldErrors.kind ? <span className="field-error">{fieldErrors.kind}</span> : null}
      </div>
      <div className={`field ${fieldErrors.name ? 'field-invalid' : ''}`}>
        <label>
          <span className="field-label">Name (file stem)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="gw-cert" aria-label="Certificate name" required />
        </label>
        {fieldErrors.name ? (
          <span className="field-error" data-testid="cert-upload-error-name">
            {fieldErrors.name}
          </span>
        ) : null}
      </div>
      <div className={`field ${fieldErrors.certificate ? 'field-invalid' : ''}`}>
        <label>
          <span className="field-label">Certificate (PEM, or choose a .cer/.pem/.der file)</span>
          <textarea
            value={certificate}
            onChange={(e) => setCertificate(e.target.value)}
            rows={5}
            cols={64}
            spellCheck={false}
            placeholder="-----BEGIN CERTIFICATE-----"
            aria-label="Certificate PEM"
            className="mono"
          />
        </label>
        <input
          type="file"
          accept=".cer,.crt,.pem,.der"
          aria-label="Certificate file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void readCertificateFile(file).then(setCertificate);
          }}
        />
        {fieldErrors.certificate ? (
          <span className="field-error" data-testid="cert-upload-error-certificate">
            {fieldErrors.certificate}
          </span>
        ) : null}
      </div>
      {kind === 'local' ? (
        <div className={`field ${fieldErrors.privateKey ? 'field-invalid' : ''}`}>
          <label>
            <span className="field-label">Private key (write-only: PEM text or a .key file; never shown again)</span>
            {keyFileName === null ? (
              <textarea
                value={privateKey}
                onChange={(e) => setPrivateKey(e.target.value)}
                rows={4}
                cols={64}
                spellCheck={false}
                autoComplete="off"
                placeholder="-----BEGIN PRIVATE KEY-----"
                aria-label="Private key PEM"
                className="mono secret-input"
              />
            ) : (
              <span className="mono">
                key file {keyFileName} chosen{' '}
                <button type="button" className="link-button" onClick={clearKey}>
                  remove
                </button>
              </span>
            )}
          </label>
          <input
            ref={keyFileInput}
            type="file"
            accept=".key,.pem,.der"
            aria-label="Private key file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              void readCertificateFile(file).then((content) => {
                setPrivateKey(content);
                setKeyFileName(file.name);
              });
            }}
          />
          {fieldErrors.privateKey ? (
            <span className="field-error" data-testid="cert-upload-error-privateKey">
              {fieldErrors.privateKey}
            </span>
          ) : null}
        </div>
      ) : null}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={busy || name.trim() === '' || certificate.trim() === ''}>
          {busy ? 'Uploading…' : 'Upload'}
        </button>
        {done ? (
          <span className="notice" data-testid="cert-upload-done">
            {done}
          </span>
        ) : null}
        {unplaced ? (
          <span className="state-error" role="alert">
            {describeError(error)}
          </span>
        ) : null}
      </div>
    </form>
  );
}
