/**
 * A CA server's CRL endpoint over HTTP on loopback, for tests and the lab:
 * serves the DER CRL set for each path (404 for other paths) and counts the
 * requests, so a test can tell a cached CRL from a refetched one.
 *
 *   const server = await startCrlServer();
 *   server.setCrl('/labsrv.crl', crl.der);
 *   const url = server.url('/labsrv.crl');   // http://127.0.0.1:<port>/labsrv.crl
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrlServer {
  readonly address: string;
  readonly port: number;
  /** http://address:port + path (or a host name instead of the address, resolved by DNS). */
  url(path: string, host?: string): string;
  setCrl(path: string, der: Uint8Array | undefined): void;
  /** Requests received per path. */
  requests(path: string): number;
  close(): Promise<void>;
}

export async function startCrlServer(options: { address?: string; port?: number } = {}): Promise<CrlServer> {
  const address = options.address ?? '127.0.0.1';
  const crls = new Map<string, Uint8Array>();
  const counts = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const der = crls.get(path);
    if (request.method !== 'GET' || der === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': der.length }).end(Buffer.from(der));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address,
    port,
    url: (path, host) => `http://${host ?? (address.includes(':') ? `[${address}]` : address)}:${port}${path}`,
    setCrl: (path, der) => {
      if (der === undefined) crls.delete(path);
      else crls.set(path, der);
    },
    requests: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
