import { describe, expect, it } from 'vitest';
import { IdType } from '@tunnelscope/ike';
import type { TunnelIdentity } from '@tunnelscope/api';
import { createIdentityMatcher, describePeerIdentity, identityToWire, matchIdentity, type PeerIdentity } from './identity-matcher.ts';

const text = new TextEncoder();
const fqdn = (name: string): PeerIdentity => ({ idType: IdType.FQDN, data: text.encode(name) });
const email = (name: string): PeerIdentity => ({ idType: IdType.RFC822_ADDR, data: text.encode(name) });
const ipv4 = (...bytes: number[]): PeerIdentity => ({ idType: IdType.IPV4_ADDR, data: Uint8Array.from(bytes) });
const id = (type: TunnelIdentity['type'], value = ''): TunnelIdentity => ({ type, value });

describe('matchIdentity', () => {
  it('any matches every identity', () => {
    expect(matchIdentity(id('any'), fqdn('gw.example.com'))).toMatchObject({ matched: true, quality: 'any' });
    expect(matchIdentity(id('any'), ipv4(10, 0, 0, 1)).matched).toBe(true);
  });

  it('addresses match exactly', () => {
    expect(matchIdentity(id('ipv4', '172.22.53.23'), ipv4(172, 22, 53, 23))).toMatchObject({ matched: true, quality: 'perfect' });
    expect(matchIdentity(id('ipv4', '172.22.53.23'), ipv4(172, 22, 53, 24)).matched).toBe(false);
    const v6 = identityToWire(id('ipv6', '2001:db8::1'));
    if (v6 === undefined) throw new Error('encode');
    expect(matchIdentity(id('ipv6', '2001:DB8:0::1'), v6).matched).toBe(true);
  });

  it('fqdn and email compare case-insensitively, with a leading wildcard', () => {
    expect(matchIdentity(id('fqdn', 'GW.example.com'), fqdn('gw.EXAMPLE.com'))).toMatchObject({ matched: true, quality: 'perfect' });
    expect(matchIdentity(id('fqdn', '*.example.com'), fqdn('gw.example.com'))).toMatchObject({ matched: true, quality: 'wildcard' });
    expect(matchIdentity(id('fqdn', '*.example.com'), fqdn('gw.example.org')).matched).toBe(false);
    expect(matchIdentity(id('fqdn', '*'), fqdn('anything'))).toMatchObject({ matched: true, quality: 'any' });
    expect(matchIdentity(id('email', '*@roam.example.com'), email('alice@roam.example.com')).matched).toBe(true);
    expect(matchIdentity(id('email', 'alice@example.com'), email('bob@example.com')).matched).toBe(false);
  });

  it('never matches across types', () => {
    expect(matchIdentity(id('fqdn', 'alice@example.com'), email('alice@example.com')).matched).toBe(false);
    expect(matchIdentity(id('ipv4', '10.0.0.1'), fqdn('10.0.0.1')).matched).toBe(false);
  });

  it('compares key ids as bytes', () => {
    const wire: PeerIdentity = { idType: IdType.KEY_ID, data: Uint8Array.from([0x0a, 0xbc]) };
    expect(matchIdentity(id('keyid', '0ABC'), wire).matched).toBe(true);
    expect(matchIdentity(id('keyid', '0abd'), wire).matched).toBe(false);
  });

  it('leaves DN and subjectAltName to installed comparators', () => {
    const der: PeerIdentity = { idType: IdType.DER_ASN1_DN, data: Uint8Array.from([0x30, 0x00]) };
    expect(matchIdentity(id('dn', 'C=SE, CN=gw'), der).matched).toBe(false);
    const withDn = createIdentityMatcher({ dn: () => ({ matched: true, quality: 'perfect', reason: 'same DN' }) });
    expect(withDn(id('dn', 'C=SE, CN=gw'), der).matched).toBe(true);
    const withSan = createIdentityMatcher({
      subjectAltName: (configured) =>
        configured.type === 'fqdn' ? { matched: true, quality: 'perfect', reason: 'subjectAltName carries it' } : undefined,
    });
    expect(withSan(id('fqdn', 'gw.example.com'), der)).toMatchObject({ matched: true, reason: 'subjectAltName carries it' });
    expect(withSan(id('email', 'a@b'), der).matched).toBe(false);
  });

  it('compares DNs attribute by attribute, ignoring case, with "*" values', async () => {
    const { encodeDistinguishedName } = await import('../ike/certificate-identity.ts');
    const der: PeerIdentity = { idType: IdType.DER_ASN1_DN, data: encodeDistinguishedName('C=SE, O=Example, CN=gw')! };
    expect(matchIdentity(id('dn', 'c=se,o=EXAMPLE,  cn=GW'), der)).toMatchObject({ matched: true, quality: 'perfect' });
    expect(matchIdentity(id('dn', 'C=SE, O=Example, CN=*'), der)).toMatchObject({ matched: true, quality: 'wildcard' });
    expect(matchIdentity(id('dn', 'C=SE, O=Example, CN=gw2'), der).matched).toBe(false);
    expect(matchIdentity(id('dn', 'O=Example, C=SE, CN=gw'), der).matched).toBe(false);
    expect(describePeerIdentity(der)).toBe('dn:C=SE, O=Example, CN=gw');
  });

  it('describes received identities for traces', () => {
    expect(describePeerIdentity(ipv4(10, 0, 0, 1))).toBe('ipv4:10.0.0.1');
    expect(describePeerIdentity(fqdn('gw'))).toBe('fqdn:gw');
    expect(describePeerIdentity({ idType: 200, data: new Uint8Array(3) })).toBe('id-type-200:<3 bytes>');
  });

  it('encodes configured identities as ID payload content', () => {
    expect(identityToWire(id('ipv4', '10.0.0.1'))).toEqual({ idType: IdType.IPV4_ADDR, data: Uint8Array.from([10, 0, 0, 1]) });
    expect(identityToWire(id('fqdn', 'gw'))?.idType).toBe(IdType.FQDN);
    expect(identityToWire(id('any'))).toBeUndefined();
  });
});
