/** Small helpers shared by forms that post to the API. */
import { useState } from 'react';
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

/**
 * A form that posts one request and shows the result or the error: running
 * while it waits, the last result, the last error (cleared on each submit).
 */
export function useFormAction<Request, Result>(action: (request: Request) => Promise<Result>) {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function submit(request: Request): Promise<void> {
    setRunning(true);
    setError(null);
    try {
      setResult(await action(request));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setRunning(false);
    }
  }
  return { running, result, error, submit };
}
