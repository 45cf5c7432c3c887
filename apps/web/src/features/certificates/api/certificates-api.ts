/**
 * The Certificates view's only way to the server
 * (packages/api/src/rest/certificates.ts): the IKE certificate cache
 * (`ike -certshow -verbose` as data, with the CRLs it holds) and one
 * certificate's details, the flush (`ike -certflush`, operators), the
 * certificate directory (local .cer/.key pairs and CAs) and the upload
 * (admins; the private key travels once, to the server, and is never read
 * back).
 */
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateFlushResult,
  CertificateStoreView,
  CertificateUpload,
} from '@tunnelscope/api';
import { requestJson } from '../../../lib/http-client.ts';

export function fetchCertificateCache(signal?: AbortSignal): Promise<CertificateCacheView> {
  return requestJson('/certificates/cache', signal ? { signal } : {});
}

export function fetchCertificateDetail(id: string, signal?: AbortSignal): Promise<CertificateDetail> {
  return requestJson(`/certificates/cache/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function flushCertificateCache(): Promise<CertificateFlushResult> {
  return requestJson('/certificates/cache/flush', { method: 'POST', body: {} });
}

export function fetchCertificateStore(signal?: AbortSignal): Promise<CertificateStoreView> {
  return requestJson('/certificates/store', signal ? { signal } : {});
}

/** Answers with what the server stored (never the key). */
export function uploadCertificate(upload: CertificateUpload): Promise<unknown> {
  return requestJson('/certificates', { method: 'POST', body: upload });
}
