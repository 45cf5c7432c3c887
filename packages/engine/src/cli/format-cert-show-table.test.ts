import { describe, expect, it } from 'vitest';
import { formatCertShowTable, wrapDistinguishedName, type CertShowEntry } from './format-cert-show-table.ts';

/** Seed 13.6.2, `ike -certshow` (the block's page indentation removed). */
const SEED_CERTSHOW = [
  '         IKE Certificates',
  '',
  '#  Subject',
  '-  ----------------------------------',
  '1  C=SE, O=Clavister, OU=R&D, CN=TTG',
  '2  C=SE, O=Clavister, OU=R&D, CN=TTG2',
  '3  C=SE, O=Clavister, OU=R&D, CN=GGSN',
  '4  DC=local, DC=devlab, CN=labsrv',
].join('\n');

/** Seed 13.6.2, `ike -certshow -verbose`. */
const SEED_CERTSHOW_VERBOSE = [
  '                         IKE Certificates',
  '',
  '#  Subject          Issuer          Valid From     Valid To      Status',
  '-  ---------------  --------------  -------------  ------------  ------',
  '1  C=SE,            DC=local,       2024-05-09     2026-05-09    Valid',
  '   O=Clavister,     DC=lab,         06:37:00       06:47:00',
  '   OU=R&D, CN=TTG   CN=labsrv',
  '2  C=SE,            DC=local,       2024-06-28     2026-06-28    Valid',
  '   O=Clavister,     DC=lab,         08:34:49       08:44:49',
  '   OU=R&D, CN=TTG2  CN=labsrv',
  '3  C=SE,            DC=local,       2024-07-28     2026-07-28    Valid',
  '   O=Clavister,     DC=lab,         07:55:33       08:05:33',
  '   OU=R&D, CN=GGSN  CN=labsrv',
  '4  DC=local,        DC=local,       2024-10-11     2026-10-11    Valid',
  '   DC=lab,          DC=lab,         10:09:29       10:17:17',
  '   CN=labsrv        CN=labsrv',
].join('\n');

const utc = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const issuer = 'DC=local, DC=lab, CN=labsrv';
const certificates: CertShowEntry[] = [
  { subject: 'C=SE, O=Clavister, OU=R&D, CN=TTG', issuer, validFrom: utc('2024-05-09 06:37:00'), validTo: utc('2026-05-09 06:47:00'), status: 'Valid' },
  { subject: 'C=SE, O=Clavister, OU=R&D, CN=TTG2', issuer, validFrom: utc('2024-06-28 08:34:49'), validTo: utc('2026-06-28 08:44:49'), status: 'Valid' },
  { subject: 'C=SE, O=Clavister, OU=R&D, CN=GGSN', issuer, validFrom: utc('2024-07-28 07:55:33'), validTo: utc('2026-07-28 08:05:33'), status: 'Valid' },
  { subject: issuer, issuer, validFrom: utc('2024-10-11 10:09:29'), validTo: utc('2026-10-11 10:17:17'), status: 'Valid' },
];

describe('formatCertShowTable', () => {
  it('prints the seed\'s short table', () => {
    // The seed's short listing names the fourth certificate "DC=devlab".
    const short = certificates.map((entry, index) => (index === 3 ? { ...entry, subject: 'DC=local, DC=devlab, CN=labsrv' } : entry));
    expect(formatCertShowTable(short)).toBe(SEED_CERTSHOW);
  });

  it('prints the seed\'s verbose table character for character', () => {
    expect(formatCertShowTable(certificates, { verbose: true, timeZone: 'UTC' })).toBe(SEED_CERTSHOW_VERBOSE);
  });

  it('shows validity in the gateway\'s time zone', () => {
    const text = formatCertShowTable(certificates.slice(0, 1), { verbose: true, timeZone: 'UTC+02:00' });
    expect(text).toContain('2024-05-09     2026-05-09    Valid');
    expect(text).toContain('08:37:00       08:47:00');
  });

  it('widens a column for a name part longer than it', () => {
    const text = formatCertShowTable([{ ...certificates[0] as CertShowEntry, subject: 'CN=gateway.tunnelscope.example' }], { verbose: true });
    const [header, dashes, first] = text.split('\n').slice(2);
    expect(header).toBe('#  Subject                         Issuer          Valid From     Valid To      Status');
    expect(dashes?.startsWith('-  ------------------------------  ---')).toBe(true);
    expect(first?.startsWith('1  CN=gateway.tunnelscope.example  DC=local,')).toBe(true);
  });

  it('wraps distinguished names at their separators', () => {
    expect(wrapDistinguishedName('C=SE, O=Clavister, OU=R&D, CN=TTG', 15)).toEqual(['C=SE,', 'O=Clavister,', 'OU=R&D, CN=TTG']);
    expect(wrapDistinguishedName('', 15)).toEqual(['']);
  });
});
