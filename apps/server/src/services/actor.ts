/** Who is acting: an authenticated principal plus where the request came from. Used for permissions and the audit log. */
import type { Principal, UserRole } from '../contract.ts';

export interface Actor extends Principal {
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { kind: 'user', id: 0, name: 'system', role: 'admin', ip: null };

const RANK: Record<UserRole, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: UserRole, minimum: UserRole): boolean {
  return RANK[role] >= RANK[minimum];
}
