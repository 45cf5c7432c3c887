/**
 * The seed's `ike -certshow` and `ike -certshow -verbose` (13.6.2),
 * reproduced from real certificates: a PKI with the seed's names and
 * validity times, generated at test time, run through the certificate
 * cache under a ManualClock, printed, and compared character for character
 * with the seed's transcripts.
 *
 * The seed's times are the gateway's local times. The gateway here is in
 * Europe/Stockholm, and every date involved falls in summer time (UTC+2),
 * so the certificates carry UTC times two hours earlier than printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, createCa, issueCertificate, writeCertificateDirectory, type TestCa } from '@tunnelscope/test-utils';
import { formatCertShowTable } from '../cli/format-cert-show-table.ts';
import { CertificateService } from './certificate-service.ts';

/** Seed 13.6.2, the short listing, as printed (page indentation and all; the tab-only lines are blank lines). */
const SEED_CERTSHOW_TRANSCRIPT = [
  '    System:/> ike -certshow',
  '    \t\t',
  '             IKE Certificates',
  '    \t\t',
  '    #  Subject',
  '    -  ----------------------------------',
  '    1  C=SE, O=Clavister, OU=R&D, CN=TTG',
  '    2  C=SE, O=Clavister, OU=R&D, CN=TTG2',
  '    3  C=SE, O=Clavister, OU=R&D, CN=GGSN',
  '    4  DC=local, DC=devlab, CN=labsrv',
].join('\n');

/** Seed 13.6.2, the verbose listing, as printed. */
const SEED_CERTSHOW_VERBOSE_TRANSCRIPT = [
  'System:/> ike -certshow -verbose',
  '\t\t',
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

/**
 * A console transcript as the operator sees it: the prompt and command,
 * an empty line, then the command's output. `indent` is the page
 * indentation of the seed's block; the seed's tab-only lines are blank.
 */
function transcript(command: string, output: string, indent = ''): string {
  return [`System:/> ${command}`, '', ...output.split('\n')].map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n');
}

function asPrinted(seedText: string): string {
  return seedText
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : line))
    .join('\n');
}

/** A Stockholm summer-time wall-clock time (UTC+2) as ms since the epoch. */
const stockholmSummer = (text: string) => Date.parse(`${text.replace(' ', 'T')}+02:00`);

const directories: string[] = [];
afterEach(async () => {
  while (directories.length > 0) await rm(directories.pop()!, { recursive: true, force: true });
});

/** The seed's PKI under one CA name; the certificates pass through verifyPeer into the cache. */
async function seedCache(caSubject: string): Promise<{ service: CertificateService; ca: TestCa }> {
  const directory = await mkdtemp(join(tmpdir(), 'h3-seed-'));
  directories.push(directory);
  const ca = await createCa({
    subject: caSubject,
    keyType: 'rsa-2048',
    notBefore: new Date(stockholmSummer('2024-10-11 10:09:29')),
    notAfter: new Date(stockholmSummer('2026-10-11 10:17:17')),
  });
  const peers = [
    ['C=SE, O=Clavister, OU=R&D, CN=TTG', '2024-05-09 06:37:00', '2026-05-09 06:47:00'],
    ['C=SE, O=Clavister, OU=R&D, CN=TTG2', '2024-06-28 08:34:49', '2026-06-28 08:44:49'],
    ['C=SE, O=Clavister, OU=R&D, CN=GGSN', '2024-07-28 07:55:33', '2026-07-28 08:05:33'],
  ] as const;
  await writeCertificateDirectory(directory, { cas: [{ name: 'labsrv', certificate: ca }] });
  const clock = new ManualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
  const service = new CertificateService({ directory, clock, timeZone: 'Europe/Stockholm' });
  await service.load();
  for (const [index, [subject, from, to]] of peers.entries()) {
    const certificate = await issueCertificate({
      ca,
      subject,
      validity: { notBefore: new Date(stockholmSummer(from)), notAfter: new Date(stockholmSummer(to)) },
    });
    const identity = { type: 'dn' as const, value: subject };
    const result = await service.verifyPeer({
      tunnel: `seed-${index + 1}`,
      certificates: [certificate.der],
      rootCertificates: ['labsrv'],
      expectedIdentity: identity,
      peerIdentity: identity,
      crlChecking: false,
      peerAddress: `192.0.2.${index + 1}`,
    });
    expect(result.ok, subject).toBe(true);
  }
  return { service, ca };
}

describe('ike -certshow from a PKI with the seed\'s names and times', () => {
  it('-verbose matches the seed character for character', async () => {
    const { service } = await seedCache('DC=local, DC=lab, CN=labsrv');
    const view = service.cache();
    expect(view.timeZone).toBe('Europe/Stockholm');
    expect(transcript('ike -certshow -verbose', view.text)).toBe(asPrinted(SEED_CERTSHOW_VERBOSE_TRANSCRIPT));
    expect(view.certificates.map((certificate) => [certificate.source, certificate.status])).toEqual([
      ['peer', 'Valid'],
      ['peer', 'Valid'],
      ['peer', 'Valid'],
      ['ca', 'Valid'],
    ]);
  });

  it('the short listing matches the seed character for character', async () => {
    // The seed's short listing names its CA "DC=local, DC=devlab, CN=labsrv" while the
    // verbose one says "DC=lab": the two examples come from different labs, so this
    // table gets its own PKI whose CA is named as the short listing shows it.
    const { service } = await seedCache('DC=local, DC=devlab, CN=labsrv');
    const text = formatCertShowTable(service.certShowEntries());
    expect(transcript('ike -certshow', text, '    ')).toBe(asPrinted(SEED_CERTSHOW_TRANSCRIPT));
  });

  it('the printed times follow the gateway\'s zone while the status is judged in UTC', async () => {
    const { service } = await seedCache('DC=local, DC=lab, CN=labsrv');
    const entries = service.certShowEntries();
    expect(formatCertShowTable(entries, { verbose: true, timeZone: 'UTC' })).toContain('2024-05-09     2026-05-09    Valid\n   O=Clavister,     DC=lab,         04:37:00       04:47:00');
    expect(service.flush()).toEqual({ flushedCertificates: 4, flushedCrls: 0 });
    expect(service.certShowEntries()).toEqual([]);
  });
});
