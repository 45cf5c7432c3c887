/**
 * Data-plane counters and interfaces, re-read every few seconds and
 * (coalesced) when flows come and go on the stream.
 */
import { useCallback, useState } from 'react';
import type { DataPlaneCounters, InterfaceView } from '@tunnelscope/api';
import { describeError } from '../../../lib/http-client.ts';
import { useLiveReload } from '../../../lib/stream-context.tsx';
import { fetchDataPlaneCounters, fetchInterfaces } from '../api/flows-api.ts';

const POLL_MS = 5000;
const COALESCE_MS = 1000;

export interface DataPlaneStatus {
  counters: DataPlaneCounters | null;
  interfaces: InterfaceView[] | null;
  error: string | null;
}

export function useDataPlaneStatus(): DataPlaneStatus {
  const [counters, setCounters] = useState<DataPlaneCounters | null>(null);
  const [interfaces, setInterfaces] = useState<InterfaceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    Promise.all([fetchDataPlaneCounters(), fetchInterfaces()])
      .then(([nextCounters, nextInterfaces]) => {
        setCounters(nextCounters);
        setInterfaces(nextInterfaces.items);
        setError(null);
      })
      .catch((err: unknown) => setError(describeError(err)));
  }, []);

  useLiveReload('flow', reload, { pollMs: POLL_MS, coalesceMs: COALESCE_MS });

  return { counters, interfaces, error };
}
