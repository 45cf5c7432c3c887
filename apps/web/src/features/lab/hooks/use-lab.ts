/**
 * The lab as the server reports it, kept live: the scenario list is re-read
 * when the lab records activity (topic `lab`) and every few seconds (the
 * attempts counter moves on its own); our tunnels' states are re-read when
 * an SA event arrives. Actions (start, stop, default mix, stop all) answer
 * with the new state; one runs at a time.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiRequestError, describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import {
  fetchLabScenarios,
  fetchTunnelStates,
  type LabScenario,
  type TunnelStatusView,
} from '../api/lab-api.ts';

const POLL_MS = 5000;
const DEBOUNCE_MS = 300;

export type LabAvailability =
  | { kind: 'loading' }
  | { kind: 'available'; scenarios: LabScenario[] }
  /** The server runs without the demo lab (404 from /lab/scenarios). */
  | { kind: 'absent'; reason: string }
  | { kind: 'error'; message: string };

export interface LabState {
  availability: LabAvailability;
  /** A refresh failed after the list had loaded. */
  refreshError: string | null;
  tunnels: Map<string, TunnelStatusView>;
  /** Label of the action in flight ("start wrong-psk", "stop all"). */
  busy: string | null;
  actionError: string | null;
  run: (label: string, action: () => Promise<unknown>) => Promise<void>;
}

function useDebounced(callback: () => void): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, DEBOUNCE_MS);
  }, []);
}

export function useLab(): LabState {
  const [availability, setAvailability] = useState<LabAvailability>({ kind: 'loading' });
  const [refreshError, setRefreshError] = useState<string | null>(null);
  const [tunnels, setTunnels] = useState<Map<string, TunnelStatusView>>(new Map());
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const loadScenarios = useCallback(async () => {
    try {
      const list = await fetchLabScenarios();
      setAvailability({ kind: 'available', scenarios: list.items });
      setRefreshError(null);
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) {
        setAvailability({ kind: 'absent', reason: error.message });
        return;
      }
      setAvailability((previous) => (previous.kind === 'available' ? previous : { kind: 'error', message: describeError(error) }));
      setRefreshError(describeError(error));
    }
  }, []);

  const loadTunnels = useCallback(async () => {
    try {
      const list = await fetchTunnelStates();
      setTunnels(new Map(list.items.map((tunnel) => [tunnel.name, tunnel])));
    } catch {
      // The scenario list carries the lab's own view; our states are an extra.
    }
  }, []);

  useEffect(() => {
    void loadScenarios();
    void loadTunnels();
    const timer = setInterval(() => {
      void loadScenarios();
      void loadTunnels();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [loadScenarios, loadTunnels]);

  const scenariosChanged = useDebounced(() => void loadScenarios());
  const tunnelsChanged = useDebounced(() => void loadTunnels());
  useStreamEvents('lab', {}, scenariosChanged);
  useStreamEvents('sa', {}, tunnelsChanged);

  const run = useCallback(
    async (label: string, action: () => Promise<unknown>) => {
      setBusy(label);
      setActionError(null);
      try {
        await action();
      } catch (error) {
        setActionError(`${label}: ${describeError(error)}`);
      } finally {
        setBusy(null);
        await Promise.all([loadScenarios(), loadTunnels()]);
      }
    },
    [loadScenarios, loadTunnels],
  );

  return { availability, refreshError, tunnels, busy, actionError, run };
}
