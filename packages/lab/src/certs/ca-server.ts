/**
 * The lab's CA server: HTTP on a loopback address, ephemeral port. It
 * serves the CA certificate and the CA's CRLs at the paths the lab's
 * certificates carry in cRLDistributionPoints; every other path is 404.
 *
 *   GET /labca.cer        the CA certificate (DER)
 *   GET /<name>.crl       the CRL published at that path (DER). A path may
 *                         publish a sequence: each request gets the next
 *                         version, the last one stays (a CA that changes
 *                         its CRL after the gateway fetched it).
 *
 * Requests are counted per path, so a cached CRL can be told from a
 * refetched one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CaServer {
  readonly address: string;
  readonly port: number;
  /** http://<host or address>:<port><path> */
  url(path: string, host?: string): string;
  /** Publishes `versions` at `path` (DER), in order; an empty list unpublishes it. */
  publish(path: string, versions: readonly Uint8Array[], contentType: string): void;
  requests(path: string): number;
  close(): Promise<void>;
}

export async function startCaServer(address: string): Promise<CaServer> {
  const published = new Map<string, { versions: readonly Uint8Array[]; contentType: string }>();
  const counts = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://ca.invalid').pathname;
    const served = counts.get(path) ?? 0;
    counts.set(path, served + 1);
    const entry = published.get(path);
    const body = entry?.versions[Math.min(served, entry.versions.length - 1)];
    if (request.method !== 'GET' || entry === undefined || body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': entry.contentType, 'content-length': body.length }).end(Buffer.from(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address,
    port,
    url: (path, host) => `http://${host ?? address}:${port}${path}`,
    publish: (path, versions, contentType) => {
      if (versions.length === 0) published.delete(path);
      else published.set(path, { versions: [...versions], contentType });
      counts.delete(path);
    },
    requests: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port on `address` where nothing listens: bound ephemerally, then released. */
export async function closedPort(address: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, address, () => resolve());
  });
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
