/**
 * The certificate cache (with its CRLs) and the certificate directory,
 * re-read when the `cert` stream topic reports a change (cache added /
 * flushed, CRL fetched, store problem), coalesced, and every 30 s so
 * statuses follow the clock. The two load and fail apart: a directory the
 * server cannot read does not hide the cache.
 */
import { useCallback, useState } from 'react';
import type { CertificateCacheView, CertificateStoreView } from '@tunnelscope/api';
import { describeError } from '../../../lib/http-client.ts';
import { useLiveReload } from '../../../lib/stream-context.tsx';
import { fetchCertificateCache, fetchCertificateStore } from '../api/certificates-api.ts';

const POLL_MS = 30_000;
const COALESCE_MS = 300;

export interface CertificatesState {
  cache: CertificateCacheView | null;
  cacheError: string | null;
  store: CertificateStoreView | null;
  storeError: string | null;
  /** Browser time when the cache was read, with the server's `time` gives the clock offset. */
  cacheReadAt: number;
  reload: () => void;
}

export function useCertificates(): CertificatesState {
  const [cache, setCache] = useState<CertificateCacheView | null>(null);
  const [cacheError, setCacheError] = useState<string | null>(null);
  const [store, setStore] = useState<CertificateStoreView | null>(null);
  const [storeError, setStoreError] = useState<string | null>(null);
  const [cacheReadAt, setCacheReadAt] = useState(0);

  const reload = useCallback(() => {
    fetchCertificateCache()
      .then((next) => {
        setCache(next);
        setCacheReadAt(Date.now());
        setCacheError(null);
      })
      .catch((err: unknown) => setCacheError(describeError(err)));
    fetchCertificateStore()
      .then((next) => {
        setStore(next);
        setStoreError(null);
      })
      .catch((err: unknown) => setStoreError(describeError(err)));
  }, []);

  useLiveReload('cert', reload, { pollMs: POLL_MS, coalesceMs: COALESCE_MS });

  return { cache, cacheError, store, storeError, cacheReadAt, reload };
}
