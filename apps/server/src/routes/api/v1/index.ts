/** /api/v1: one plugin per resource. */
import type { FastifyPluginAsync } from 'fastify';
import troubleshooting from '../../../plugins/app/troubleshooting.ts';
import alerts from './alerts.ts';
import audit from './audit.ts';
import auth from './auth.ts';
import certificates from './certificates.ts';
import cli from './cli.ts';
import config from './config.ts';
import diagnose from './diagnose.ts';
import events from './events.ts';
import flows from './flows.ts';
import health from './health.ts';
import keys from './keys.ts';
import lab from './lab.ts';
import sas from './sas.ts';
import snoop from './snoop.ts';
import stats from './stats.ts';
import supportBundle from './support-bundle.ts';
import stream from './stream.ts';
import tokens from './tokens.ts';
import users from './users.ts';

export interface ApiV1Options {
  sessionTtlMs: number;
  statsIntervalMs: number;
}

const apiV1: FastifyPluginAsync<ApiV1Options> = async (app, opts) => {
  await app.register(auth, { sessionTtlMs: opts.sessionTtlMs });
  await app.register(users);
  await app.register(tokens);
  await app.register(config);
  await app.register(sas);
  await app.register(stats, { statsIntervalMs: opts.statsIntervalMs });
  await app.register(snoop);
  await app.register(events);
  await app.register(cli);
  await app.register(flows);
  await app.register(certificates);
  await app.register(health);
  await app.register(audit);
  await app.register(keys);
  await app.register(alerts);
  await app.register(troubleshooting);
  await app.register(diagnose);
  await app.register(supportBundle);
  await app.register(lab);
  await app.register(stream);
};

export default apiV1;
