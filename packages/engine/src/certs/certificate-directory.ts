/**
 * The certificate directory by the seed's convention (13.6.2: "the
 * certificate .cer and .key files have the same filename"):
 *
 *   <dir>/name.cer + <dir>/name.key   the gateway's own certificate "name"
 *                                     (PEM or DER; the .cer may carry its
 *                                     chain after it as further PEM blocks)
 *   <dir>/ca/name.cer                 a CA certificate "name" (trust anchor
 *                                     or intermediate), no key
 *   <dir>/name.cer without name.key   a CA certificate "name" when its
 *                                     basicConstraints says CA:TRUE;
 *                                     otherwise a missing_key problem
 *
 * Nothing is skipped silently: a .cer without .key, a .key without .cer, a
 * near miss (my_cert.cer + my-cert.key or My_Cert.key: same name once case
 * and "-", "_", "." are ignored) reported as name_mismatch naming both
 * files, a key that is not the certificate's (key_mismatch), and unparsable
 * files (file name + what failed) all become problems, by name.
 *
 * `scanCertificateFiles` is pure over the files' bytes; `readCertificateDirectory`
 * is the IO around it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { parseCertificates, type ParsedCertificate } from './parse-certificate.ts';
import { keyPairMatches, parsePrivateKey } from './private-key.ts';

export type StoreProblemCode = 'missing_key' | 'missing_certificate' | 'name_mismatch' | 'key_mismatch' | 'unparsable';

export interface StoreProblem {
  /** Certificate name (file stem) or file name. */
  readonly name: string;
  readonly code: StoreProblemCode;
  readonly message: string;
}

export interface LocalEntry {
  readonly name: string;
  readonly certificate?: ParsedCertificate;
  /** Further certificates in name.cer after the first (its chain). */
  readonly bundledChain: readonly ParsedCertificate[];
  readonly privateKey?: KeyObject;
  readonly hasKey: boolean;
  readonly keyMatches?: boolean;
  readonly problems: StoreProblem[];
}

export interface AuthorityEntry {
  readonly name: string;
  readonly file: string;
  readonly certificate: ParsedCertificate;
}

export interface DirectoryScan {
  readonly locals: LocalEntry[];
  readonly authorities: AuthorityEntry[];
  readonly problems: StoreProblem[];
}

export interface CertificateFile {
  /** Relative to the directory: "gw.cer", "gw.key", "ca/root.cer". */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export const CA_SUBDIRECTORY = 'ca';

/** The near-miss key of a file stem: case, "-", "_", "." and spaces ignored. */
export function nearMissKey(stem: string): string {
  return stem.toLowerCase().replace(/[-_. ]/g, '');
}

function splitName(fileName: string): { stem: string; extension: string } | undefined {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return { stem: fileName.slice(0, dot), extension: fileName.slice(dot + 1).toLowerCase() };
}

function tryParseCertificates(file: CertificateFile): { certificates: ParsedCertificate[] } | { error: string } {
  try {
    return { certificates: parseCertificates(file.bytes) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function scanCertificateFiles(files: readonly CertificateFile[]): DirectoryScan {
  const problems: StoreProblem[] = [];
  const locals: LocalEntry[] = [];
  const authorities: AuthorityEntry[] = [];
  const rootCertificates = new Map<string, CertificateFile>();
  const rootKeys = new Map<string, CertificateFile>();

  for (const file of files) {
    const parts = file.path.split('/');
    const name = splitName(parts[parts.length - 1]!);
    if (name === undefined) continue;
    if (parts.length === 2 && parts[0] === CA_SUBDIRECTORY && name.extension === 'cer') {
      const parsed = tryParseCertificates(file);
      if ('error' in parsed) {
        problems.push({ name: file.path, code: 'unparsable', message: `${file.path}: ${parsed.error}` });
      } else {
        authorities.push({ name: name.stem, file: file.path, certificate: parsed.certificates[0]! });
      }
      continue;
    }
    if (parts.length !== 1) continue;
    if (name.extension === 'cer') rootCertificates.set(name.stem, file);
    else if (name.extension === 'key') rootKeys.set(name.stem, file);
  }

  const unpairedKeys = new Map([...rootKeys].filter(([stem]) => !rootCertificates.has(stem)));
  const stems = [...rootCertificates.keys()].sort();
  for (const stem of stems) {
    const file = rootCertificates.get(stem)!;
    const entryProblems: StoreProblem[] = [];
    const parsed = tryParseCertificates(file);
    const certificate = 'error' in parsed ? undefined : parsed.certificates[0];
    const bundledChain = 'error' in parsed ? [] : parsed.certificates.slice(1);
    if ('error' in parsed) entryProblems.push({ name: stem, code: 'unparsable', message: `${file.path}: ${parsed.error}` });
    const keyFile = rootKeys.get(stem);
    if (keyFile === undefined) {
      const nearMiss = [...unpairedKeys.keys()].find((keyStem) => nearMissKey(keyStem) === nearMissKey(stem));
      if (nearMiss !== undefined) {
        unpairedKeys.delete(nearMiss);
        entryProblems.push({
          name: stem,
          code: 'name_mismatch',
          message: `${stem}.cer has no ${stem}.key (found ${nearMiss}.key): the .cer and .key files must have the same name`,
        });
      } else if (certificate?.isCa === true) {
        authorities.push({ name: stem, file: file.path, certificate });
        continue;
      } else if (certificate !== undefined) {
        entryProblems.push({
          name: stem,
          code: 'missing_key',
          message: `${stem}.cer has no ${stem}.key (and is not a CA certificate, basicConstraints CA:TRUE, to use as a trust anchor)`,
        });
      }
      locals.push({ name: stem, ...(certificate ? { certificate } : {}), bundledChain, hasKey: false, problems: entryProblems });
      problems.push(...entryProblems);
      continue;
    }
    let privateKey: KeyObject | undefined;
    try {
      privateKey = parsePrivateKey(keyFile.bytes);
    } catch (error) {
      entryProblems.push({ name: stem, code: 'unparsable', message: `${keyFile.path}: ${(error as Error).message}` });
    }
    let keyMatches: boolean | undefined;
    if (privateKey !== undefined && certificate !== undefined) {
      keyMatches = keyPairMatches(privateKey, certificate.publicKey);
      if (!keyMatches) {
        entryProblems.push({
          name: stem,
          code: 'key_mismatch',
          message: `${stem}.key is not the private key of ${stem}.cer ("${certificate.subject}", ${certificate.keyType})`,
        });
      }
    }
    locals.push({
      name: stem,
      ...(certificate ? { certificate } : {}),
      bundledChain,
      ...(privateKey && keyMatches === true ? { privateKey } : {}),
      hasKey: true,
      ...(keyMatches === undefined ? {} : { keyMatches }),
      problems: entryProblems,
    });
    problems.push(...entryProblems);
  }
  for (const stem of [...unpairedKeys.keys()].sort()) {
    const problem: StoreProblem = { name: stem, code: 'missing_certificate', message: `${stem}.key has no ${stem}.cer` };
    locals.push({ name: stem, bundledChain: [], hasKey: true, problems: [problem] });
    problems.push(problem);
  }
  return { locals, authorities, problems };
}

/** Reads `<directory>/*.cer|*.key` and `<directory>/ca/*.cer`. A missing directory is a problem, not an exception. */
export async function readCertificateDirectory(directory: string): Promise<{ files: CertificateFile[]; problems: StoreProblem[] }> {
  const files: CertificateFile[] = [];
  const problems: StoreProblem[] = [];
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    problems.push({ name: directory, code: 'unparsable', message: `certificate directory ${directory}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return { files, problems };
  }
  for (const entry of entries) {
    if (entry.isFile() && /\.(cer|key)$/i.test(entry.name)) {
      files.push({ path: entry.name, bytes: new Uint8Array(await readFile(join(directory, entry.name))) });
    } else if (entry.isDirectory() && entry.name === CA_SUBDIRECTORY) {
      for (const caEntry of await readdir(join(directory, CA_SUBDIRECTORY), { withFileTypes: true })) {
        if (caEntry.isFile() && /\.cer$/i.test(caEntry.name)) {
          files.push({ path: `${CA_SUBDIRECTORY}/${caEntry.name}`, bytes: new Uint8Array(await readFile(join(directory, CA_SUBDIRECTORY, caEntry.name))) });
        }
      }
    }
  }
  return { files, problems };
}
