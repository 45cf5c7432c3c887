/**
 * The seed's commands against a running server, with the seed's output:
 *
 *   tunnelscope ike -stat | ike -certshow [-verbose] | ike -certflush | flow -show [...] | ping ADDR
 *                                                                         one-shot, via POST /api/v1/cli
 *   tunnelscope ike -snoop -brief|-full [-peer=ADDR]                      streams until interrupted
 *   tunnelscope ike -snoop -off
 *
 * The server formats every line (the same formatter as the console), so the
 * text is identical in the dashboard, the console and here.
 */
import type { CliResponse, SnoopSettings } from '@tunnelscope/api';
import { openStream, request, takeConnectionOptions, ServerError, type ServerConnection } from './server-client.ts';

export const REMOTE_USAGE = `usage: tunnelscope [--server URL] [--token TOKEN] <firewall command>

  ike -stat                     IKE and IPsec SA statistics
  ike -snoop -brief|-full       stream IKE messages until Ctrl-C (add -peer=ADDR to filter)
  ike -snoop -off               stop the engine's snoop
  ike -certshow [-verbose]      certificate cache
  ike -certflush                empty the certificate cache (operator token)
  flow -show [-verbose] [...]   flow table; filters combine: -destiface= -srciface=
                                -proto= -srcip= -destip= -srcport= -destport=
  ping ADDR [-count=N] [-srcip=ADDR]
                                ping through the tunnel (operator token)

The server is TUNNELSCOPE_URL (default http://127.0.0.1:8470); the token is
TUNNELSCOPE_TOKEN or --token (pnpm tunnelscope token create --role viewer).`;

interface RunIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user interrupts a streaming command. */
  interrupted: Promise<void>;
}

export async function runRemoteCommand(argv: readonly string[], io: RunIo): Promise<number> {
  let connection: ServerConnection;
  let words: string[];
  try {
    ({ connection, rest: words } = takeConnectionOptions(argv, io.env));
  } catch (err) {
    io.err(`tunnelscope: ${(err as Error).message}`);
    return 2;
  }
  try {
    const snoopMode = words[0] === 'ike' ? words.find((w) => w === '-brief' || w === '-full') : undefined;
    if (words[0] === 'ike' && words.includes('-snoop') && snoopMode) {
      const peer = words.find((w) => w.startsWith('-peer='))?.slice('-peer='.length);
      return await streamSnoop(connection, snoopMode === '-full' ? 'full' : 'brief', peer, io);
    }
    const result = await request<CliResponse>(connection, 'POST', '/api/v1/cli', { command: words.join(' ') });
    io.out(result.output.replace(/\n+$/, ''));
    return result.exitCode;
  } catch (err) {
    if (err instanceof ServerError) {
      io.err(`tunnelscope: ${err.message}${err.status ? ` (HTTP ${err.status} ${err.code})` : ''}`);
      return 1;
    }
    throw err;
  }
}

async function streamSnoop(connection: ServerConnection, mode: 'brief' | 'full', peer: string | undefined, io: RunIo): Promise<number> {
  const before = await request<SnoopSettings>(connection, 'GET', '/api/v1/snoop');
  await request<SnoopSettings>(connection, 'PUT', '/api/v1/snoop', { mode, ...(peer ? { peer } : {}) });
  let failure: string | undefined;
  const done = new Promise<void>((resolve) => {
    const close = openStream(
      connection,
      (send) => send({ type: 'subscribe', id: 'cli-snoop', topic: 'snoop', ...(peer ? { filter: { peer } } : {}) }),
      {
        frame(message) {
          if (message.type === 'subscribed') {
            // Said once the server has the subscription: from here on nothing the engine sends is missed.
            io.err(`-- ike -snoop -${mode}${peer ? ` -peer=${peer}` : ''}: streaming from ${connection.url}, Ctrl-C to stop`);
          } else if (message.type === 'event') {
            const data = message.data as { text?: string | null } | undefined;
            if (data?.text) io.out(data.text);
          } else if (message.type === 'missed') {
            io.err(`-- ${String(message.count)} snoop line(s) missed (this client fell behind)`);
          } else if (message.type === 'error') {
            failure = `stream error ${String(message.code)}: ${String(message.message)}`;
            resolve();
          }
        },
        closed(reason) {
          failure ??= `stream ${reason}`;
          resolve();
        },
      },
    );
    void io.interrupted.then(() => {
      failure = undefined;
      close();
      resolve();
    });
  });
  await done;
  // Leave the engine as we found it: a CLI session must not keep snoop on.
  await request(connection, 'PUT', '/api/v1/snoop', { mode: before.mode, ...(before.peer ? { peer: before.peer } : {}) }).catch(() => undefined);
  if (failure) {
    io.err(`tunnelscope: ${failure}`);
    return 1;
  }
  return 0;
}
