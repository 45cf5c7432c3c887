/** Small helpers shared by forms that post to the API. */
import { ApiRequestError } from './http-client.ts';

/** The server's field errors (400 with `fields`), keyed by the top-level body field they name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiRequestError)) return {};
  return Object.fromEntries(error.fields.map((field) => [field.path.replace(/^\/?(body[./])?/, '').split(/[./]/)[0] ?? field.path, field.message]));
}

/** An optional numeric input: empty means "not given". */
export function optionalInteger(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}
