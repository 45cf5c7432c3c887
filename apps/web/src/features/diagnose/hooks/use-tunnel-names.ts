/** The configured tunnel names, in list order, for the view's pickers. */
import { useAsync } from '../../../lib/use-async.ts';
import { fetchTunnelList } from '../api/diagnose-api.ts';

export function useTunnelNames(): string[] {
  const tunnels = useAsync((signal) => fetchTunnelList(signal), []);
  return tunnels.data?.items.map((tunnel) => tunnel.name) ?? [];
}
