/**
 * Errors with stable codes. Services throw `ApiError`; the error handler
 * (plugins/external/error-handler.ts) turns it into `{ error: { code,
 * message, fields? } }` with the code's HTTP status. Anything else is a 5xx
 * whose details go to the log only.
 */
import { API_ERROR_STATUS, type ApiErrorCode, type FieldError } from './contract.ts';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly fields: FieldError[] | undefined;

  constructor(code: ApiErrorCode, message: string, fields?: FieldError[], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = API_ERROR_STATUS[code];
    this.fields = fields;
  }
}

export const notFound = (what: string): ApiError => new ApiError('not_found', `${what} not found`);
export const forbidden = (why: string): ApiError => new ApiError('forbidden', why);
export const badRequest = (why: string, fields?: FieldError[]): ApiError => new ApiError('bad_request', why, fields);
export const conflict = (why: string): ApiError => new ApiError('conflict', why);
