/**
 * Who is logged in, and what their role lets the UI show. The server
 * enforces roles on every request; the UI hides what a role cannot do so a
 * viewer never sees a control that would only answer 403.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Principal, UserRole } from './api-types.ts';
import { onUnauthenticated, requestJson } from './http-client.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; principal: Principal };

interface SessionContextValue {
  session: SessionState;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

const ROLE_RANK: Record<UserRole, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: UserRole, needed: UserRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const principal = await requestJson<Principal>('/auth/me', { quietUnauthenticated: true });
      setSession({ status: 'authenticated', principal });
    } catch {
      setSession({ status: 'anonymous' });
    }
  }, []);

  const logout = useCallback(async () => {
    await requestJson('/auth/logout', { method: 'POST', body: {} }).catch(() => undefined);
    setSession({ status: 'anonymous' });
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(() => setSession({ status: 'anonymous' }));
  }, [refresh]);

  const value = useMemo(() => ({ session, refresh, logout }), [session, refresh, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The logged-in principal (only under the app shell, which requires a session). */
export function usePrincipal(): Principal {
  const { session } = useSession();
  if (session.status !== 'authenticated') throw new Error('usePrincipal without a session');
  return session.principal;
}

/** Whether the current user has at least `role`. */
export function useHasRole(role: UserRole): boolean {
  const { session } = useSession();
  return session.status === 'authenticated' && roleAtLeast(session.principal.role, role);
}
