import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CliBody, CliCompleteBody, CliCompletion, CliResponse } from '../../../contract.ts';
import { completeCommandLine } from '../../../engine-api.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/cli', {
    schema: {
      tags: ['cli'],
      summary: 'Run a console command (`ike -stat`, `ike -certshow -verbose`, `flow -show`, `ike -snoop -brief`, ...) and return its text',
      description: 'Read-only commands (ike -stat, ike -certshow, flow -show, help) are open to viewers; anything else needs the operator role and is audited.',
      body: CliBody,
      response: { 200: CliResponse, ...errorResponses(400, 403) },
    },
    handler: async (request) => app.services.operations.runCommand(actorOf(request), request.body.command),
  });

  app.post('/cli/complete', {
    schema: {
      tags: ['cli'],
      summary: "Tab completion for a console line: the command table's commands and options, tunnel interfaces and peers",
      body: CliCompleteBody,
      response: { 200: CliCompletion, ...errorResponses(400) },
    },
    handler: async (request) => {
      const tunnels = app.services.gateway.listTunnels();
      return completeCommandLine(request.body.line, {
        interfaces: tunnels.map((t) => t.name),
        peers: tunnels.map((t) => t.remote).filter((r) => r !== 'none'),
      });
    },
  });
};

export default routes;
