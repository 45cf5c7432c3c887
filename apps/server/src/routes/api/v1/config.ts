import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ConfigDiffResponse,
  ConfigReadResponse,
  ConfigReplaceBody,
  ConfigRollbackBody,
  ConfigValidateBody,
  ConfigValidateResponse,
  ConfigVersionInfo,
  ConfigVersionList,
} from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses, IdParams } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['config'];
  const configService = () => app.services.configService;

  app.get('/config', {
    schema: { tags, summary: 'The current config (secrets redacted) and its version', response: { 200: ConfigReadResponse, ...errorResponses(503) } },
    handler: async () => configService().read(),
  });

  app.post('/config/validate', {
    schema: {
      tags,
      summary: 'Validate a candidate config without applying it',
      body: ConfigValidateBody,
      response: { 200: ConfigValidateResponse, ...errorResponses(400) },
    },
    handler: async (request) => configService().validate(request.body.config),
  });

  app.put('/config', {
    config: { auth: 'operator' },
    schema: {
      tags,
      summary: 'Replace the config; refused with 400 naming each invalid field, nothing saved',
      body: ConfigReplaceBody,
      response: { 200: Type.Object({ version: ConfigVersionInfo }), ...errorResponses(400, 403, 409, 502) },
    },
    handler: async (request) => ({
      version: await configService().replace(actorOf(request), request.body.config, request.body.comment, request.body.baseVersion),
    }),
  });

  app.get('/config/versions', {
    schema: {
      tags,
      summary: 'Config versions, newest first',
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
      response: { 200: ConfigVersionList },
    },
    handler: async (request) => configService().versions(request.query.limit ?? 50, request.query.offset ?? 0),
  });

  app.get('/config/versions/:id', {
    schema: { tags, summary: 'One config version (secrets redacted)', params: IdParams, response: { 200: ConfigReadResponse, ...errorResponses(404) } },
    handler: async (request) => configService().version(request.params.id),
  });

  app.get('/config/versions/:id/diff', {
    schema: {
      tags,
      summary: 'Changes from version `against` (default: the previous one) to this version',
      params: IdParams,
      querystring: Type.Object({ against: Type.Optional(Type.Integer({ minimum: 1 })) }),
      response: { 200: ConfigDiffResponse, ...errorResponses(404) },
    },
    handler: async (request) => {
      const to = request.params.id;
      const from = request.query.against ?? to - 1;
      return { from, to, changes: configService().diff(from, to) };
    },
  });

  app.post('/config/versions/:id/rollback', {
    config: { auth: 'operator' },
    schema: {
      tags,
      summary: 'Apply an earlier version again (as a new version)',
      params: IdParams,
      body: Type.Optional(ConfigRollbackBody),
      response: { 200: Type.Object({ version: ConfigVersionInfo }), ...errorResponses(400, 403, 404, 502) },
    },
    handler: async (request) => ({
      version: await configService().rollback(actorOf(request), request.params.id, request.body?.comment),
    }),
  });
};

export default routes;
