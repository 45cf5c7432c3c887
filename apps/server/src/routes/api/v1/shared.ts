/** Schema pieces shared by the route files. */
import { Type } from '@sinclair/typebox';
import { ErrorResponse } from '../../../contract.ts';

/** Error responses for the given statuses (OpenAPI + serialization). */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries([401, ...statuses].map((s) => [s, ErrorResponse]));
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const Ok = Type.Object({ ok: Type.Literal(true) });
