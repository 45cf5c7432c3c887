/**
 * One tunnel's state as the server reports it (GET /tunnels), re-read when
 * an SA event of that tunnel arrives and every few seconds: after a fix is
 * applied the operator watches the tunnel come up (or not) without reloading.
 */
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchTunnelList, type TunnelStatusView } from '../api/diagnose-api.ts';

const POLL_MS = 3000;

export interface LiveTunnelState {
  tunnel: TunnelStatusView | null;
  /** The tunnel is not in the configured list (any more). */
  missing: boolean;
  error: string | null;
  checkedAt: number | null;
}

export function useLiveTunnelState(name: string): LiveTunnelState {
  const [state, setState] = useState<LiveTunnelState>({ tunnel: null, missing: false, error: null, checkedAt: null });

  const load = useCallback(() => {
    fetchTunnelList()
      .then((list) => {
        const tunnel = list.items.find((item) => item.name === name) ?? null;
        setState({ tunnel, missing: tunnel === null, error: null, checkedAt: Date.now() });
      })
      .catch((error: unknown) => setState((previous) => ({ ...previous, error: describeError(error) })));
  }, [name]);

  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  useStreamEvents('sa', { tunnel: name }, load);
  return state;
}
