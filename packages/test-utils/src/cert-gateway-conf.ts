/**
 * charon's side of a certificate tunnel for interop tests:
 *
 *   - credentials made with strongSwan's own `pki` tool (/usr/bin/pki,
 *     Debian strongswan-pki): keys, a self-signed CA, end-entity
 *     certificates with subjectAltNames, CRL distribution points and chosen
 *     validity times, and CRLs (`pki --signcrl`);
 *   - the swanctl.conf connection that authenticates with them
 *     (`auth = pubkey`; charon picks RFC 7427 signatures when the peer
 *     announces SIGNATURE_HASH_ALGORITHMS).
 *
 * swanctl loads charon's credentials from its swanctl directory: own
 * certificates from x509/, CA certificates from x509ca/, unencrypted private
 * keys from private/ (any type), rsa/ or ecdsa/. `pki` writes PEM here
 * (its stdout is read as text, so binary DER is never taken from it);
 * times are given in UTC (`TZ=UTC`, ISO-like `--dateform`), so a test can
 * make an expired or not-yet-valid certificate to the second.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.ts';
import type { ConfSection } from './strongswan-conf.ts';

export const PKI_PATH = '/usr/bin/pki';

export type PkiKeyType = 'rsa' | 'ecdsa';

/** A file `pki` wrote: its path and its bytes. */
export interface PkiFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export interface PkiCredential {
  readonly certificate: PkiFile;
  readonly key: PkiFile;
  readonly keyType: PkiKeyType;
  readonly subject: string;
}

const DATE_FORM = '%Y-%m-%dT%H:%M:%S';

function pkiDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** Runs `pki args` (UTC for every date), writing its stdout to `outPath`. Throws with pki's output on failure. */
async function runPki(args: readonly string[], outPath: string): Promise<PkiFile> {
  const result = await runCommand(PKI_PATH, args, { env: { ...process.env, TZ: 'UTC' }, allowFailure: true });
  if (result.code !== 0 || result.stdout === '') {
    throw new Error(`pki ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr.trim()}`);
  }
  writeFileSync(outPath, result.stdout, { mode: outPath.endsWith('.key') ? 0o600 : 0o644 });
  return { path: outPath, bytes: readFileSync(outPath) };
}

/** `pki --gen`: a fresh private key (RSA 2048 or ECDSA P-256), PEM. */
export function pkiGenerateKey(path: string, type: PkiKeyType): Promise<PkiFile> {
  return runPki(['--gen', '--type', type, '--size', type === 'rsa' ? '2048' : '256', '--outform', 'pem'], path);
}

/** `pki --self --ca`: a self-signed CA in `dir` as `name.pem` + `name.key`. */
export async function pkiCreateCa(dir: string, name: string, options: { dn: string; keyType?: PkiKeyType; lifetimeDays?: number }): Promise<PkiCredential> {
  const keyType = options.keyType ?? 'rsa';
  const key = await pkiGenerateKey(join(dir, `${name}.key`), keyType);
  const certificate = await runPki(
    ['--self', '--ca', '--in', key.path, '--type', keyType, '--dn', options.dn, '--lifetime', String(options.lifetimeDays ?? 365), '--outform', 'pem'],
    join(dir, `${name}.pem`),
  );
  return { certificate, key, keyType, subject: options.dn };
}

export interface PkiIssueOptions {
  readonly ca: PkiCredential;
  readonly dn: string;
  readonly keyType?: PkiKeyType;
  /** subjectAltNames as pki takes them (`side-b`, `a@b`, `10.0.0.1`). */
  readonly sans?: readonly string[];
  /** CRL distribution point URI. */
  readonly crlUrl?: string;
  /** Default: one day ago .. one year ahead. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** `pki --issue`: an end-entity certificate in `dir` as `name.pem` + `name.key`. */
export async function pkiIssue(dir: string, name: string, options: PkiIssueOptions): Promise<PkiCredential> {
  const keyType = options.keyType ?? 'rsa';
  const key = await pkiGenerateKey(join(dir, `${name}.key`), keyType);
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 86_400_000);
  const notAfter = options.notAfter ?? new Date(now + 365 * 86_400_000);
  const args = [
    '--issue', '--in', key.path, '--type', 'priv', '--cacert', options.ca.certificate.path, '--cakey', options.ca.key.path,
    '--dn', options.dn,
    ...(options.sans ?? []).flatMap((san) => ['--san', san]),
    ...(options.crlUrl === undefined ? [] : ['--crl', options.crlUrl]),
    '--dateform', DATE_FORM, '--not-before', pkiDate(notBefore), '--not-after', pkiDate(notAfter),
    '--outform', 'pem',
  ];
  const certificate = await runPki(args, join(dir, `${name}.pem`));
  return { certificate, key, keyType, subject: options.dn };
}

/**
 * `pki --signcrl`: a CRL of `ca` revoking `revoke` (key-compromise), next
 * update in a week, written to `path` as DER (what a CA's HTTP distribution
 * point serves). pki prints PEM here because our runner reads its stdout as
 * text; the PEM body is decoded to DER.
 */
export async function pkiSignCrl(path: string, ca: PkiCredential, revoke: readonly PkiCredential[]): Promise<PkiFile> {
  const pem = await runPki(
    [
      '--signcrl', '--cacert', ca.certificate.path, '--cakey', ca.key.path, '--lifetime', '7',
      ...revoke.flatMap((credential) => ['--reason', 'key-compromise', '--cert', credential.certificate.path]),
      '--outform', 'pem',
    ],
    `${path}.pem`,
  );
  const body = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(pem.bytes.toString('latin1'))?.[1];
  if (body === undefined) throw new Error(`pki --signcrl wrote no "X509 CRL" PEM block to ${pem.path}`);
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  writeFileSync(path, der);
  return { path, bytes: der };
}

/** Copies charon's own credential into its swanctl dir: x509/<name>.pem and private/<name>.key. */
export function installCharonCredential(swanctlDir: string, name: string, credential: { certificatePem: string | Buffer; keyPem: string | Buffer }): { certs: string } {
  writeFileSync(join(swanctlDir, 'x509', `${name}.pem`), credential.certificatePem);
  writeFileSync(join(swanctlDir, 'private', `${name}.key`), credential.keyPem, { mode: 0o600 });
  return { certs: `${name}.pem` };
}

/** Copies a CA certificate charon trusts into its swanctl dir: x509ca/<name>.pem. */
export function installCharonCa(swanctlDir: string, name: string, certificatePem: string | Buffer): string {
  writeFileSync(join(swanctlDir, 'x509ca', `${name}.pem`), certificatePem);
  return `${name}.pem`;
}

export interface CertGatewayOptions {
  /** Connection name; default 'gw'. */
  connection?: string;
  /** CHILD_SA name; default 'net'. */
  child?: string;
  localAddress: string;
  remoteAddress: string;
  /** The peer's IKE port. */
  remotePort: number;
  /** File name of charon's certificate in x509/ (installCharonCredential). */
  localCertificate: string;
  /** charon's IKE identity; default: its certificate's subject DN. */
  localId?: string;
  /** The identity charon expects of the peer (a DN, or a subjectAltName of the peer's certificate). */
  remoteId: string;
  /** File name in x509ca/ the peer's certificate must chain to (remote.cacerts); any loaded CA when omitted. */
  remoteCa?: string;
  /** send_cert (a connection setting): 'ifasked' (charon's default), 'always' or 'never'. */
  sendCert?: 'ifasked' | 'always' | 'never';
  /** remote.revocation: 'relaxed' (charon's default), 'ifuri' or 'strict'. */
  revocation?: 'relaxed' | 'ifuri' | 'strict';
  proposals: string;
  espProposals: string;
  localTs: string;
  remoteTs: string;
  /** Settings merged into the connection section (rekey_time, ...). */
  connectionSettings?: ConfSection;
  /** Settings merged into the child section. */
  childSettings?: ConfSection;
}

/**
 * Builds `{ connections: { gw: ... } }` for a certificate tunnel. No secrets
 * section: swanctl loads unencrypted keys from private/ by itself.
 */
export function certGatewayConf(options: CertGatewayOptions): ConfSection {
  const child = options.child ?? 'net';
  return {
    connections: {
      [options.connection ?? 'gw']: {
        local_addrs: options.localAddress,
        remote_addrs: options.remoteAddress,
        remote_port: options.remotePort,
        version: 2,
        proposals: options.proposals,
        ...(options.sendCert === undefined ? {} : { send_cert: options.sendCert }),
        ...options.connectionSettings,
        local: {
          auth: 'pubkey',
          certs: options.localCertificate,
          ...(options.localId === undefined ? {} : { id: options.localId }),
        },
        remote: {
          auth: 'pubkey',
          id: options.remoteId,
          ...(options.remoteCa === undefined ? {} : { cacerts: options.remoteCa }),
          ...(options.revocation === undefined ? {} : { revocation: options.revocation }),
        },
        children: {
          [child]: {
            local_ts: options.localTs,
            remote_ts: options.remoteTs,
            esp_proposals: options.espProposals,
            ...options.childSettings,
          },
        },
      },
    },
  };
}
