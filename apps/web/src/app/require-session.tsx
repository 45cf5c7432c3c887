import { useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../lib/session-context.tsx';
import { StreamProvider, createBrowserStreamClient } from '../lib/stream-context.tsx';
import type { StreamClient } from '../lib/stream-client.ts';

/** Renders its children only with a session; owns the shared stream client's lifetime. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  const [client] = useState<StreamClient>(createBrowserStreamClient);
  const authenticated = session.status === 'authenticated';

  useEffect(() => {
    if (!authenticated) return undefined;
    client.start();
    return () => client.stop();
  }, [authenticated, client]);

  if (session.status === 'loading') return <p className="state-loading">Loading…</p>;
  if (!authenticated) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <StreamProvider client={client}>{children}</StreamProvider>;
}
