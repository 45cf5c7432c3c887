/**
 * One error shape for every failure: `{ error: { code, message, fields? } }`.
 * ApiError keeps its code and status; schema validation failures become 400
 * `bad_request` naming each field; every other error is a 5xx whose details
 * are logged, never sent.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { API_ERROR_STATUS, type ErrorResponse, type FieldError } from '../../contract.ts';
import { ApiError } from '../../errors.ts';
import { GatewayActionError } from '../app/gateway-port.ts';

export default fp(
  async function errorHandlerPlugin(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError | ApiError | GatewayActionError, request, reply) => {
      const send = (status: number, body: ErrorResponse) => reply.code(status).type('application/json').send(body);
      if (err instanceof ApiError) {
        if (err.statusCode >= 500) request.log.error({ err, cause: err.cause }, 'request failed');
        return send(err.statusCode, { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } });
      }
      if (err instanceof GatewayActionError) {
        const code = err.kind === 'not_found' ? 'not_found' : err.kind === 'unavailable' ? 'unavailable' : 'conflict';
        return send(API_ERROR_STATUS[code], { error: { code, message: err.message } });
      }
      const fe = err as FastifyError;
      if (fe.validation) {
        const fields: FieldError[] = fe.validation.map((v) => ({
          path: fieldPath(fe.validationContext ?? 'body', v.instancePath, v.params),
          message: v.message ?? 'invalid',
        }));
        return send(400, { error: { code: 'bad_request', message: `invalid ${fe.validationContext ?? 'request'}: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, fields } });
      }
      const status = fe.statusCode ?? 500;
      if (status < 500) {
        const code = status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'bad_request';
        return send(status, { error: { code, message: fe.message } });
      }
      request.log.error({ err }, 'unhandled error');
      return send(500, { error: { code: 'internal', message: 'internal server error' } });
    });
  },
  { name: 'error-handler' },
);

function fieldPath(context: string, instancePath: string, params: Record<string, unknown>): string {
  const segments = instancePath.split('/').filter((s) => s !== '');
  const missing = params['missingProperty'];
  const extra = params['additionalProperty'];
  if (typeof missing === 'string') segments.push(missing);
  if (typeof extra === 'string') segments.push(extra);
  return [context, ...segments].join('.');
}
