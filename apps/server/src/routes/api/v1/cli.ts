import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CliBody, CliCompleteBody, CliCompletion, CliResponse } from '../../../contract.ts';
import { completeCommandLine } from '../../../engine-api.ts';
import { GatewayActionError, type GatewayPort } from '../../../plugins/app/gateway-port.ts';
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
      summary: "Tab completion for a console line: the command table's commands and options (the flow -show filters), interfaces and peers",
      body: CliCompleteBody,
      response: { 200: CliCompletion, ...errorResponses(400) },
    },
    handler: async (request) => {
      const tunnels = app.services.gateway.listTunnels();
      return completeCommandLine(request.body.line, {
        interfaces: [...dataPlaneInterfaceNames(app.services.gateway), ...tunnels.map((t) => t.name)],
        peers: tunnels.map((t) => t.remote).filter((r) => r !== 'none'),
      });
    },
  });
};

/** The data plane's interface names (ext, core, int, mgm, ...) for -srciface= / -destiface=; none while it is not running. */
function dataPlaneInterfaceNames(gateway: GatewayPort): string[] {
  try {
    return gateway.dataPlaneInterfaces().map((i) => i.name);
  } catch (err) {
    if (err instanceof GatewayActionError && err.kind === 'unavailable') return [];
    throw err;
  }
}

export default routes;
