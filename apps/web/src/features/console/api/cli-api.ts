import type { CliCompletion, CliResponse } from '../../../lib/api-types.ts';
import { ApiRequestError, requestJson } from '../../../lib/http-client.ts';

export function runCommand(command: string): Promise<CliResponse> {
  return requestJson('/cli', { method: 'POST', body: { command } });
}

/**
 * Completion candidates from the server (`POST /cli/complete`, backed by the
 * engine's completeCommandLine). Null when the server has no such endpoint.
 */
export async function completeCommand(line: string): Promise<CliCompletion | null> {
  try {
    return await requestJson<CliCompletion>('/cli/complete', { method: 'POST', body: { line } });
  } catch (error) {
    if (error instanceof ApiRequestError && (error.status === 404 || error.status === 501)) return null;
    throw error;
  }
}
