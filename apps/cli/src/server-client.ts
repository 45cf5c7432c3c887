/**
 * The CLI's door to a running tunnelscope server: REST with a bearer token,
 * and the WebSocket stream. Where the server is and who we are comes from
 * flags or the environment (TUNNELSCOPE_URL, TUNNELSCOPE_TOKEN).
 */
import WebSocket from 'ws';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8470';

export interface ServerConnection {
  url: string;
  token: string;
}

export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** Splits `--server URL` / `--token T` off argv; the rest is the command. */
export function takeConnectionOptions(argv: readonly string[], env: NodeJS.ProcessEnv): { connection: ServerConnection; rest: string[] } {
  let url = env['TUNNELSCOPE_URL'] || DEFAULT_SERVER_URL;
  let token = env['TUNNELSCOPE_TOKEN'] || '';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--server' || arg === '--token') {
      const value = argv[++i];
      if (value === undefined) throw new ServerError(0, 'usage', `${arg} needs a value`);
      if (arg === '--server') url = value;
      else token = value;
    } else {
      rest.push(arg);
    }
  }
  if (!token) {
    throw new ServerError(
      0,
      'no_token',
      'no API token: pass --token or set TUNNELSCOPE_TOKEN (make one with `pnpm tunnelscope token create --role viewer`)',
    );
  }
  return { connection: { url: url.replace(/\/+$/, ''), token }, rest };
}

export async function request<T>(connection: ServerConnection, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${connection.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${connection.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new ServerError(0, 'unreachable', `cannot reach ${connection.url}: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`);
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ServerError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? text.slice(0, 200));
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface StreamHandlers {
  /** Each server frame, parsed. */
  frame(message: { type: string } & Record<string, unknown>): void;
  closed(reason: string): void;
}

/** Opens the WebSocket feed; returns a function that closes it. */
export function openStream(connection: ServerConnection, onOpen: (send: (message: unknown) => void) => void, handlers: StreamHandlers): () => void {
  const wsUrl = `${connection.url.replace(/^http/, 'ws')}/api/v1/stream`;
  const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${connection.token}` } });
  socket.on('open', () => onOpen((message) => socket.send(JSON.stringify(message))));
  socket.on('message', (data) => {
    const message = safeJson(data.toString()) as ({ type: string } & Record<string, unknown>) | undefined;
    if (message && typeof message.type === 'string') handlers.frame(message);
  });
  socket.on('unexpected-response', (_req, res) => handlers.closed(`server refused the stream: HTTP ${res.statusCode}`));
  socket.on('error', (err) => handlers.closed(err.message));
  socket.on('close', (code, reason) => handlers.closed(`closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`));
  return () => socket.close();
}
