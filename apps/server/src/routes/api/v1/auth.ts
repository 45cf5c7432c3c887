import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LoginBody, PasswordChangeBody, Principal, SetupBody, User } from '../../../contract.ts';
import { actorOf, SESSION_COOKIE } from '../../../plugins/external/auth.ts';
import { errorResponses, Ok } from './shared.ts';

const SessionResponse = Type.Object({ user: User });

const routes: FastifyPluginAsyncTypebox<{ sessionTtlMs: number }> = async (app, opts) => {
  const maxAgeS = Math.floor(opts.sessionTtlMs / 1000);
  const tags = ['auth'];

  app.get('/auth/setup', {
    config: { auth: 'public' },
    schema: { tags, summary: 'Whether first-start setup is still needed', response: { 200: Type.Object({ needed: Type.Boolean() }) } },
    handler: async () => ({ needed: app.services.authService.needsSetup() }),
  });

  app.post('/auth/setup', {
    config: { auth: 'public' },
    schema: {
      tags,
      summary: 'Create the first admin with the one-time setup token printed at first start',
      body: SetupBody,
      response: { 201: SessionResponse, ...errorResponses(400, 409) },
    },
    handler: async (request, reply) => {
      const { user, sessionId } = await app.services.authService.setup(request.body.token, request.body.username, request.body.password, request.ip);
      return reply.setSessionCookie(sessionId, maxAgeS).code(201).send({ user });
    },
  });

  app.post('/auth/login', {
    config: { auth: 'public' },
    schema: { tags, summary: 'Log in; sets the session cookie', body: LoginBody, response: { 200: SessionResponse, ...errorResponses(400, 429) } },
    handler: async (request, reply) => {
      const { user, sessionId } = await app.services.authService.login(request.body.username, request.body.password, request.ip);
      return reply.setSessionCookie(sessionId, maxAgeS).send({ user });
    },
  });

  app.post('/auth/logout', {
    config: { auth: 'public' },
    schema: { tags, summary: 'End the session', response: { 200: Ok } },
    handler: async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) app.services.authService.logout(sessionId);
      return reply.clearSessionCookie().send({ ok: true });
    },
  });

  app.get('/auth/me', {
    schema: { tags, summary: 'Who am I', response: { 200: Principal, ...errorResponses() } },
    handler: async (request) => {
      const { kind, id, name, role } = actorOf(request);
      return { kind, id, name, role };
    },
  });

  app.post('/auth/password', {
    schema: { tags, summary: 'Change my password', body: PasswordChangeBody, response: { 200: Ok, ...errorResponses(400, 403) } },
    handler: async (request) => {
      await app.services.authService.changeOwnPassword(actorOf(request), request.body.currentPassword, request.body.newPassword);
      return { ok: true as const };
    },
  });
};

export default routes;
