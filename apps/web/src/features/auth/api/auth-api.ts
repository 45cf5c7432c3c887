import type { LoginBody, SetupBody, User } from '../../../lib/api-types.ts';
import { requestJson } from '../../../lib/http-client.ts';

export function logIn(body: LoginBody): Promise<{ user: User }> {
  return requestJson('/auth/login', { method: 'POST', body, quietUnauthenticated: true });
}

export function completeSetup(body: SetupBody): Promise<{ user: User }> {
  return requestJson('/auth/setup', { method: 'POST', body, quietUnauthenticated: true });
}

export function fetchSetupNeeded(): Promise<{ needed: boolean }> {
  return requestJson('/auth/setup', { quietUnauthenticated: true });
}
