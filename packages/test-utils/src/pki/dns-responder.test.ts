import { promises as dns } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { startDnsResponder, type DnsResponder } from './dns-responder.ts';

let responder: DnsResponder | undefined;
afterEach(async () => {
  await responder?.close();
  responder = undefined;
});

function resolverFor(server: string) {
  const resolver = new dns.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([server]);
  return resolver;
}

describe('startDnsResponder', () => {
  it('answers A records, NXDOMAIN for unknown names, NODATA for other types of a known name', async () => {
    responder = await startDnsResponder({ records: { 'CA.lab.local.': '127.0.0.9' } });
    expect(responder.server).toBe(`127.0.0.1:${responder.port}`);
    const resolver = resolverFor(responder.server);
    expect(await resolver.resolve4('ca.lab.local')).toEqual(['127.0.0.9']);
    await expect(resolver.resolve4('other.lab.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('ca.lab.local')).rejects.toMatchObject({ code: 'ENODATA' });
    expect(responder.queries.map((query) => [query.name, query.type, query.rcode])).toEqual([
      ['ca.lab.local', 1, 0],
      ['other.lab.local', 1, 3],
      ['ca.lab.local', 28, 0],
    ]);
  });

  it('records can change while it runs', async () => {
    responder = await startDnsResponder();
    const resolver = resolverFor(responder.server);
    await expect(resolver.resolve4('crl.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    responder.setRecord('crl.example', '127.0.0.1');
    expect(await resolver.resolve4('crl.example')).toEqual(['127.0.0.1']);
    responder.setRecord('crl.example', undefined);
    await expect(resolver.resolve4('crl.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(() => responder!.setRecord('x', 'not-an-address')).toThrow(/not an IPv4 address/);
  });
});
