import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCrlServer, startDnsResponder } from '@tunnelscope/test-utils';
import { fetchCrlOverHttp } from './crl-fetcher.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('fetchCrlOverHttp', () => {
  it('fetches over HTTP from an IP literal without asking DNS', async () => {
    const server = await startCrlServer();
    cleanups.push(() => server.close());
    server.setCrl('/a.crl', new Uint8Array([0x30, 0x00]));
    const result = await fetchCrlOverHttp({ url: server.url('/a.crl'), dnsServers: [], timeoutMs: 1_000 });
    expect(result).toEqual({ ok: true, body: new Uint8Array([0x30, 0x00]), resolvedAddress: '127.0.0.1' });
  });

  it('resolves a host name with the configured server and connects to the answer, keeping the Host header', async () => {
    const dns = await startDnsResponder({ records: { 'ca.lab.local': '127.0.0.1' } });
    const server = await startCrlServer();
    cleanups.push(() => dns.close(), () => server.close());
    server.setCrl('/a.crl', new Uint8Array([1]));
    const result = await fetchCrlOverHttp({ url: server.url('/a.crl', 'ca.lab.local'), dnsServers: [dns.server], timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: true, resolvedAddress: '127.0.0.1' });
    expect(server.requests('/a.crl')).toBe(1);
  });

  it('a DNS server that never answers -> dns_failure ETIMEOUT within the timeout', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const server = `127.0.0.1:${silent.address().port}`;
    const result = await fetchCrlOverHttp({ url: 'http://ca.lab.local/a.crl', dnsServers: [server], timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, state: 'dns_failure', code: 'ETIMEOUT' });
    if (!result.ok) expect(result.error).toContain(server);
  });

  it('a server that accepts but never answers -> unreachable ETIMEDOUT', async () => {
    const sockets: import('node:net').Socket[] = [];
    const hanging: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          hanging.close(() => resolve());
        }),
    );
    const port = (hanging.address() as { port: number }).port;
    const result = await fetchCrlOverHttp({ url: `http://127.0.0.1:${port}/a.crl`, dnsServers: [], timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, state: 'unreachable', code: 'ETIMEDOUT' });
  });

  it('only http:// is fetched', async () => {
    expect(await fetchCrlOverHttp({ url: 'ldap://ca.lab.local/cn=labsrv', dnsServers: [], timeoutMs: 300 })).toMatchObject({
      ok: false,
      state: 'unreachable',
      code: 'EPROTOCOL',
    });
  });
});
