import type { ReactNode } from 'react';
import type { UserRole } from '../../lib/api-types.ts';
import { useHasRole } from '../../lib/session-context.tsx';

/** Renders its children only for users with at least `role`; viewers see no mutating controls. */
export function RoleGate({ role, children, fallback = null }: { role: UserRole; children: ReactNode; fallback?: ReactNode }) {
  return useHasRole(role) ? <>{children}</> : <>{fallback}</>;
}
