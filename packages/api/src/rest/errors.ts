/**
 * Error bodies of the REST API. Every non-2xx answer is `{ error: { code,
 * message, fields? } }` with a stable `code`; clients branch on the code,
 * never on the message. 5xx messages are generic: details stay in the log.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Stable error codes and the HTTP status each is sent with. */
export const API_ERROR_STATUS = {
  bad_request: 400,
  config_invalid: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  setup_unavailable: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  gateway_error: 502,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export const FieldError = Type.Object(
  {
    path: Type.String({ description: 'Dotted path of the offending field, e.g. `tunnels.0.ikeProposals`.' }),
    message: Type.String(),
  },
);
export type FieldError = Static<typeof FieldError>;

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code (see API_ERROR_STATUS).' }),
      message: Type.String(),
      fields: Type.Optional(Type.Array(FieldError)),
    }),
  },
);
export type ErrorResponse = Static<typeof ErrorResponse>;
