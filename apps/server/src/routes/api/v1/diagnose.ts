import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  FindingDetail,
  FindingIdParams,
  FindingList,
  FindingsQuery,
  FixApplyBody,
  FixApplyResponse,
  FixParams,
  FixPreviewQuery,
  FixPreviewResponse,
  SwanctlParams,
  SwanctlQuery,
  TestPskBody,
  TestPskDiagnosisResponse,
  WizardIdParams,
  WizardList,
  WizardRun,
  WizardRunCreateBody,
  WizardRunParams,
  WizardStepParams,
} from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['diagnose'];
  const operator = { auth: 'operator' as const };
  const diagnosis = () => app.troubleshooting.diagnosis;
  const wizards = () => app.troubleshooting.wizards;

  app.get('/diagnose/findings', {
    schema: {
      tags,
      summary: 'Findings from the running config, the stored events (bounded window), the SA tables and now; most confident first',
      querystring: FindingsQuery,
      response: { 200: FindingList, ...errorResponses(400, 503) },
    },
    handler: async (request) => diagnosis().listFindings(request.query),
  });

  app.get('/diagnose/findings/:id', {
    schema: {
      tags,
      summary: 'One finding with its evidence expanded: each cited event as stored, the stored datagrams behind it (links to /snoop/datagrams/:id)',
      params: FindingIdParams,
      response: { 200: FindingDetail, ...errorResponses(404, 503) },
    },
    handler: async (request) => diagnosis().findingDetail(request.params.id),
  });

  app.post('/diagnose/findings/:id/fixes/:fixId/preview', {
    config: operator,
    schema: {
      tags,
      summary: 'The config diff a machine fix would make (secrets as <secret>) and whether the engine accepts it; nothing is saved',
      params: FixParams,
      querystring: FixPreviewQuery,
      response: { 200: FixPreviewResponse, ...errorResponses(400, 403, 404, 409, 503) },
    },
    handler: async (request) => diagnosis().previewFix(actorOf(request), request.params.id, request.params.fixId, request.query.baseVersion),
  });

  app.post('/diagnose/findings/:id/fixes/:fixId/apply', {
    config: operator,
    schema: {
      tags,
      summary: 'Apply a machine fix as a new config version (409 when the config changed since baseVersion), then initiate the tunnel',
      params: FixParams,
      body: FixApplyBody,
      response: { 200: FixApplyResponse, ...errorResponses(400, 403, 404, 409, 502, 503) },
    },
    handler: async (request) => diagnosis().applyFix(actorOf(request), request.params.id, request.params.fixId, request.body),
  });

  app.post('/diagnose/test-psk', {
    config: operator,
    schema: {
      tags,
      summary: "Check a candidate pre-shared key against the AUTH the peer sent (neither stored nor echoed); the tunnel's authentication findings are updated",
      body: TestPskBody,
      response: { 200: TestPskDiagnosisResponse, ...errorResponses(400, 403, 404) },
    },
    handler: async (request) => diagnosis().testPsk(actorOf(request), request.body),
  });

  app.get('/diagnose/swanctl/:tunnel', {
    schema: {
      tags,
      summary: "swanctl.conf for the tunnel's peer (strongSwan): the mirror of our settings; the key is a placeholder unless an admin asks (audited)",
      params: SwanctlParams,
      querystring: SwanctlQuery,
      produces: ['text/plain'],
      response: { 200: Type.Unsafe<string | Buffer>({ type: 'string', description: 'swanctl.conf (strongswan.conf syntax)' }), ...errorResponses(400, 403, 404, 503) },
    },
    handler: async (request, reply) => {
      const conf = diagnosis().swanctlConf(actorOf(request), request.params.tunnel, request.query);
      reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store');
      // A Buffer passes the secret scrub on purpose: an admin asked for the key, and the export is audited.
      return reply.send(conf.withSecret ? Buffer.from(conf.text, 'utf8') : conf.text);
    },
  });

  app.get('/diagnose/wizards', {
    schema: { tags, summary: 'The guided wizards, one per seed section, with their steps', response: { 200: WizardList } },
    handler: async () => wizards().list(),
  });

  app.post('/diagnose/wizards/:id/runs', {
    config: operator,
    schema: {
      tags,
      summary: 'Start a wizard run for a tunnel (or pre-filled from a finding); runs are kept in memory',
      params: WizardIdParams,
      body: WizardRunCreateBody,
      response: { 201: WizardRun, ...errorResponses(400, 403, 404, 503) },
    },
    handler: async (request, reply) => reply.code(201).send(wizards().create(actorOf(request), request.params.id, request.body)),
  });

  app.get('/diagnose/wizards/runs/:runId', {
    schema: {
      tags,
      summary: 'A wizard run, each started step judged by the events stored after it began (verified-ok, problem-found, not-verified)',
      params: WizardRunParams,
      response: { 200: WizardRun, ...errorResponses(404, 503) },
    },
    handler: async (request) => wizards().get(request.params.runId),
  });

  app.post('/diagnose/wizards/runs/:runId/steps/:stepId/start', {
    config: operator,
    schema: {
      tags,
      summary: "Start a step: record its start and perform its live action (initiate, snoop, rekey...), or say what the operator has to do",
      params: WizardStepParams,
      response: { 200: WizardRun, ...errorResponses(403, 404, 503) },
    },
    handler: async (request) => wizards().startStep(actorOf(request), request.params.runId, request.params.stepId),
  });
};

export default routes;
