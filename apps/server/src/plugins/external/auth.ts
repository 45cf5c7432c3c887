/**
 * Authentication and roles for every route under /api, /docs and /metrics
 * and for the stream. Credentials: `Authorization: Bearer tsk_...` (API
 * tokens) or the `tunnelscope_session` httpOnly cookie (browser sessions).
 * A route states its minimum role in `config.auth` ('public' for login and
 * setup); the default is 'viewer'. Cookie-authenticated requests that change
 * state (and the WebSocket upgrade) must come from the server's own origin.
 */
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserRole } from '../../contract.ts';
import { ApiError } from '../../errors.ts';
import { roleAtLeast, type Actor } from '../../services/actor.ts';

export const SESSION_COOKIE = 'tunnelscope_session';

export type RouteAuth = 'public' | UserRole;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyReply {
    setSessionCookie(sessionId: string, maxAgeS: number): FastifyReply;
    clearSessionCookie(): FastifyReply;
  }
}

const PROTECTED = /^\/(api|docs|metrics)(\/|$|\?)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The acting principal of a request that passed authentication. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new ApiError('unauthenticated', 'authentication required');
  return request.actor;
}

export default fp(
  async function authPlugin(app: FastifyInstance, opts: { secureCookies: boolean }) {
    await app.register(cookie);
    app.decorateRequest('actor', null);
    app.decorateReply('setSessionCookie', function (this: FastifyReply, sessionId: string, maxAgeS: number) {
      return this.setCookie(SESSION_COOKIE, sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookies,
        maxAge: maxAgeS,
      });
    });
    app.decorateReply('clearSessionCookie', function (this: FastifyReply) {
      return this.clearCookie(SESSION_COOKIE, { path: '/' });
    });

    app.addHook('onRequest', async (request) => {
      // Decided on the matched route's pattern, not the raw URL: an encoded or doubled
      // path that the router still matches cannot skip authentication.
      const path = request.routeOptions.url ?? request.url;
      const required = request.routeOptions.config?.auth ?? (PROTECTED.test(path) || PROTECTED.test(request.url) ? 'viewer' : 'public');
      const found = authenticate(app, request);
      if (found === 'bad_token') {
        if (required === 'public') return;
        throw new ApiError('unauthenticated', 'invalid or expired API token');
      }
      if (found) request.actor = { ...found.principal, ip: request.ip };
      if (required === 'public') return;
      if (!found) throw new ApiError('unauthenticated', 'authentication required: log in or send an API token (Authorization: Bearer ...)');
      if (found.via === 'cookie' && (!SAFE_METHODS.has(request.method) || isUpgrade(request)) && !sameOrigin(request)) {
        throw new ApiError('forbidden', 'cross-origin request refused');
      }
      if (!roleAtLeast(found.principal.role, required)) {
        throw new ApiError('forbidden', `this needs the ${required} role; you are ${found.principal.role}`);
      }
    });
  },
  { name: 'auth', dependencies: ['app-services'] },
);

function authenticate(app: FastifyInstance, request: FastifyRequest) {
  const auth = app.services.authService;
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? auth.principalForToken(match[1]!) : undefined;
    return principal ? { principal, via: 'token' as const } : ('bad_token' as const);
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (sessionId) {
    const principal = auth.principalForSession(sessionId);
    if (principal) return { principal, via: 'cookie' as const };
  }
  return undefined;
}

function isUpgrade(request: FastifyRequest): boolean {
  return (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
