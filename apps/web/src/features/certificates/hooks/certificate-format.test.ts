import { describe, expect, it } from 'vitest';
import type { CertificateSummary } from '@tunnelscope/api';
import { commonName, formatInZone, splitDistinguishedName, timelineDomain, timelineRows } from './certificate-format.ts';

describe('formatInZone', () => {
  it('prints a UTC instant in the gateway zone, date and time apart', () => {
    const at = Date.UTC(2024, 6, 28, 7, 55, 33);
    expect(formatInZone(at, 'UTC')).toEqual({ date: '2024-07-28', time: '07:55:33', zone: 'UTC' });
    expect(formatInZone(at, 'Europe/Stockholm')).toEqual({ date: '2024-07-28', time: '09:55:33', zone: 'Europe/Stockholm' });
    expect(formatInZone(at, 'UTC+01:00')).toEqual({ date: '2024-07-28', time: '08:55:33', zone: 'UTC+01:00' });
    expect(formatInZone(at, 'UTC-08:30')).toEqual({ date: '2024-07-27', time: '23:25:33', zone: 'UTC-08:30' });
  });

  it('reads every zone form the engine accepts in its config', () => {
    const at = Date.UTC(2024, 6, 28, 7, 55, 33);
    expect(formatInZone(at, '+0530')).toEqual({ date: '2024-07-28', time: '13:25:33', zone: '+0530' });
    expect(formatInZone(at, 'GMT-3')).toEqual({ date: '2024-07-28', time: '04:55:33', zone: 'GMT-3' });
    expect(formatInZone(at, '')).toEqual({ date: '2024-07-28', time: '07:55:33', zone: 'UTC' });
  });

  it('falls back to UTC for a zone the browser does not know, and says so', () => {
    const at = Date.UTC(2024, 0, 1, 0, 0, 0);
    const shown = formatInZone(at, 'Mars/Olympus');
    expect(shown.date).toBe('2024-01-01');
    expect(shown.zone).toContain('Mars/Olympus');
  });
});

describe('distinguished names', () => {
  it('splits into parts as -certshow wraps them, keeping escaped commas', () => {
    expect(splitDistinguishedName('C=SE, O=Clavister, OU=R&D, CN=TTG')).toEqual(['C=SE', 'O=Clavister', 'OU=R&D', 'CN=TTG']);
    expect(splitDistinguishedName('O=Acme\\, Inc,CN=gw')).toEqual(['O=Acme\\, Inc', 'CN=gw']);
    expect(commonName('DC=local, DC=lab, CN=labsrv')).toBe('labsrv');
    expect(commonName('O=NoCn')).toBe('O=NoCn');
  });
});

describe('timeline', () => {
  const cert = (id: string, from: number, to: number): CertificateSummary => ({
    id,
    subject: `CN=${id}`,
    issuer: 'CN=ca',
    serialNumber: '01',
    validFrom: from,
    validTo: to,
    status: 'Valid',
    isCa: false,
    keyType: 'ECDSA P-256',
    source: 'peer',
  });

  it('has one range bar per certificate and a domain holding now', () => {
    const rows = timelineRows([cert('a', 1000, 5000), cert('b', 2000, 9000)]);
    expect(rows.map((r) => [r.label, r.range])).toEqual([
      ['1 a', [1000, 5000]],
      ['2 b', [2000, 9000]],
    ]);
    const [min, max] = timelineDomain(rows, 20_000);
    expect(min).toBeLessThan(1000);
    expect(max).toBeGreaterThan(20_000);
  });
});
