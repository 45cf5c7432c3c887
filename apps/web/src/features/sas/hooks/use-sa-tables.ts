/** IKE SAs, CHILD_SAs and tunnel states, re-read (debounced) whenever an SA event arrives on the stream. */
import { useCallback, useState } from 'react';
import type { ChildSaView, IkeSaView, TunnelStatusView } from '../../../lib/api-types.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useLiveReload } from '../../../lib/stream-context.tsx';
import { fetchChildSas, fetchIkeSas, fetchTunnelStates } from '../api/sas-api.ts';

export interface SaTables {
  ikeSas: IkeSaView[] | null;
  childSas: ChildSaView[] | null;
  tunnels: TunnelStatusView[] | null;
  error: string | null;
  reload: () => void;
}

export function useSaTables(): SaTables {
  const [ikeSas, setIkeSas] = useState<IkeSaView[] | null>(null);
  const [childSas, setChildSas] = useState<ChildSaView[] | null>(null);
  const [tunnels, setTunnels] = useState<TunnelStatusView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    Promise.all([fetchIkeSas(), fetchChildSas(), fetchTunnelStates()])
      .then(([ike, child, tunnelList]) => {
        setIkeSas(ike.items);
        setChildSas(child.items);
        setTunnels(tunnelList.items);
        setError(null);
      })
      .catch((err: unknown) => setError(describeError(err)));
  }, []);

  useLiveReload('sa', reload, { pollMs: 15_000, coalesceMs: 250 });

  return { ikeSas, childSas, tunnels, error, reload };
}
