/**
 * CertificateService: the certificate subsystem behind CertificatePort.
 *
 *   load()        certificate directory --scan--> local pairs, CA certificates,
 *                 problems (cert.store.problem events, store() view)
 *   verifyPeer()  CERT payloads --parse--> chain to one of the tunnel's
 *                 rootCertificates (every signature verified) --> cache
 *                 --> validity in UTC (time-zone hint) --> purposes
 *                 --> identity --> CRL (cached until nextUpdate or flush)
 *                 --> public key, or the precise cause of "No public key found"
 *   cache()/certShowEntries()/detail()/flush()   the certificate cache
 *                 (`ike -certshow [-verbose]`, `ike -certflush`)
 *   upload()      validated PEM/DER written atomically as name.cer/name.key
 *
 * Pure parts live beside it (parse-certificate, validity, purposes,
 * certificate-directory); IO is the directory read, the atomic write and
 * the injectable CrlFetcher (HTTP + DNS with the configured servers).
 * Private keys never leave this module except inside a LocalCredential.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTimeZone } from '@tunnelscope/api';
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateEvent,
  CertificateFailureCause,
  CertificateFlushResult,
  CertificateStatus,
  CertificateStoreView,
  CertificateSummary,
  CertificateUpload,
  CrlView,
  GatewayConfig,
  TunnelIdentity,
} from '@tunnelscope/api';
import type { Clock } from '../io/clock.ts';
import { formatCertShowTable, type CertShowEntry } from '../cli/format-cert-show-table.ts';
import { formatIpAddress, parseIpAddress } from '../config/ip-address.ts';
import type { CertificatePort, LocalCredentialResult, PeerCertificateInput, PeerVerification } from './contract.ts';
import {
  CA_SUBDIRECTORY,
  readCertificateDirectory,
  scanCertificateFiles,
  type AuthorityEntry,
  type DirectoryScan,
  type StoreProblem,
} from './certificate-directory.ts';
import { DEFAULT_CRL_TIMEOUT_MS, fetchCrlOverHttp, type CrlFetcher } from './crl-fetcher.ts';
import { distinguishedNamesEqual } from './distinguished-name.ts';
import { looksLikePem, parseCertificateDer, parseCertificates, pemBlocks, signatureVerifies, type ParsedCertificate } from './parse-certificate.ts';
import { keyPairMatches, parsePrivateKey } from './private-key.ts';
import { mayIssueCrls, purposeProblem } from './purposes.ts';
import { judgeValidity } from './validity.ts';
import { x509 } from './x509.ts';

export interface CertificateServiceOptions {
  /** The certificate directory (config.engine.certificateDirectory); '' = none. */
  directory: string;
  clock: Clock;
  /** The gateway's time zone, for display and evidence only. */
  timeZone?: string;
  /** DNS servers to resolve CRL hosts with: "address" or "address:port". */
  dnsServers?: string[];
  /** Replaces the HTTP/DNS CRL fetch (tests, the lab). */
  fetchCrl?: CrlFetcher;
  /** Bound on each DNS query and HTTP fetch; default 3 s. */
  crlTimeoutMs?: number;
}

interface CachedCertificate {
  readonly certificate: ParsedCertificate;
  readonly source: 'peer' | 'ca';
  readonly receivedFrom?: string;
  readonly cachedAt: number;
  /** The last verification's chain verdict for this certificate ("Untrusted" when it did not chain). */
  untrusted?: string;
}

interface RevokedEntry {
  readonly date: number;
  readonly reason: string;
}

interface CachedCrl {
  readonly url: string;
  readonly issuer: string;
  readonly thisUpdate: number;
  readonly nextUpdate?: number;
  readonly fetchedAt: number;
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
}

type CrlOutcome =
  | { ok: true; crl: CachedCrl | undefined }
  | { ok: false; cause: CertificateFailureCause; message: string; evidence: Record<string, unknown> };

type Failure = Extract<PeerVerification, { ok: false }>;

const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

const MAX_CHAIN_LENGTH = 8;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function normaliseSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}

function failure(cause: CertificateFailureCause, message: string, evidence: Record<string, unknown> = {}): Failure {
  return { ok: false, cause, message, evidence: { cause, ...evidence } };
}

/** Does the certificate carry the peer's identity? dn: subject (RFC 5280 7.1, order-sensitive); others: subjectAltName. */
export function certificateHasIdentity(certificate: ParsedCertificate, identity: TunnelIdentity): boolean {
  switch (identity.type) {
    case 'dn':
      return distinguishedNamesEqual(certificate.subject, identity.value);
    case 'fqdn':
    case 'email':
      return certificate.subjectAltNames.some((san) => san.type === identity.type && san.value.toLowerCase() === identity.value.toLowerCase());
    case 'ipv4':
    case 'ipv6': {
      const wanted = parseIpAddress(identity.value);
      const text = wanted === undefined ? identity.value : formatIpAddress(wanted);
      return certificate.subjectAltNames.some((san) => san.type === identity.type && san.value === text);
    }
    case 'any':
      return true;
    default:
      return false;
  }
}

export class CertificateService implements CertificatePort {
  private directory: string;
  private readonly clock: Clock;
  private timeZone: string;
  private dnsServers: string[];
  private readonly fetchCrl: CrlFetcher;
  private readonly crlTimeoutMs: number;
  private tunnels: GatewayConfig['tunnels'] = [];
  private scan: DirectoryScan = { locals: [], authorities: [], problems: [] };
  private readonly certificates = new Map<string, CachedCertificate>();
  private readonly crls = new Map<string, CachedCrl>();
  private readonly crlFailures = new Map<string, CrlView>();
  private readonly crlFetches = new Map<string, Promise<{ ok: true; crl: CachedCrl } | Extract<CrlOutcome, { ok: false }>>>();
  private readonly listeners = new Set<(event: CertificateEvent) => void>();
  /** The one timer for the next instant a cached entry changes status on its own, and the instant up to which changes were announced. */
  private cancelTransitionTimer: (() => void) | undefined;
  private transitionsAnnouncedUpTo: number | undefined;

  constructor(options: CertificateServiceOptions) {
    this.directory = options.directory;
    this.clock = options.clock;
    this.timeZone = parseTimeZone(options.timeZone ?? 'UTC')?.name ?? 'UTC';
    this.dnsServers = [...(options.dnsServers ?? [])];
    this.fetchCrl = options.fetchCrl ?? fetchCrlOverHttp;
    this.crlTimeoutMs = options.crlTimeoutMs ?? DEFAULT_CRL_TIMEOUT_MS;
  }

  /** Takes the zone, DNS servers and tunnels; the directory too when the config names one (else the constructor's stays). Call load() after a directory change. */
  applyConfig(config: GatewayConfig): void {
    if (config.engine.certificateDirectory !== undefined) this.directory = config.engine.certificateDirectory;
    this.timeZone = parseTimeZone(config.timeZone)?.name ?? 'UTC';
    this.dnsServers = [...config.dnsServers];
    this.tunnels = config.tunnels;
  }

  subscribe(listener: (event: CertificateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: CertificateEvent): void {
    for (const listener of [...this.listeners]) listener(event);
    if (event.type === 'cert.cache.changed' && (event.reason === 'added' || event.reason === 'crl_fetched' || event.reason === 'flushed')) this.scheduleTransition();
  }

  /** Stops the status timer (the service can be used again; the next cache change re-arms it). */
  close(): void {
    this.cancelTransitionTimer?.();
    this.cancelTransitionTimer = undefined;
  }

  /**
   * Cached entries change status without any packet: a certificate expires
   * (just after notAfter), becomes valid (at notBefore), is revoked (a CRL
   * entry dated in the future) or a CRL goes stale (at nextUpdate). Each
   * crossing is announced as cert.cache.changed at that instant on the
   * gateway clock, so a live view never shows "Valid" for a certificate
   * that has expired while it was watched.
   */
  private transitions(): { at: number; reason: 'expired' | 'now_valid' | 'revoked' | 'crl_stale'; subject: string }[] {
    const out: { at: number; reason: 'expired' | 'now_valid' | 'revoked' | 'crl_stale'; subject: string }[] = [];
    for (const { certificate } of this.certificates.values()) {
      out.push({ at: certificate.notBefore, reason: 'now_valid', subject: certificate.subject });
      out.push({ at: certificate.notAfter + 1, reason: 'expired', subject: certificate.subject });
      for (const url of certificate.crlDistributionPoints) {
        const entry = this.crls.get(url)?.revoked.get(normaliseSerial(certificate.serialNumber));
        if (entry) out.push({ at: entry.date, reason: 'revoked', subject: certificate.subject });
      }
    }
    for (const crl of this.crls.values()) if (crl.nextUpdate !== undefined) out.push({ at: crl.nextUpdate, reason: 'crl_stale', subject: crl.issuer });
    return out;
  }

  private scheduleTransition(): void {
    this.cancelTransitionTimer?.();
    this.cancelTransitionTimer = undefined;
    const now = this.clock.now();
    const from = this.transitionsAnnouncedUpTo === undefined ? now : Math.max(now, this.transitionsAnnouncedUpTo);
    this.transitionsAnnouncedUpTo = from;
    const next = this.transitions().reduce<number | undefined>((soonest, t) => (t.at > from && (soonest === undefined || t.at < soonest) ? t.at : soonest), undefined);
    if (next === undefined) return;
    this.cancelTransitionTimer = this.clock.setTimer(next, () => {
      this.cancelTransitionTimer = undefined;
      const upTo = this.clock.now();
      // A timer may fire a millisecond early; announce nothing before its instant.
      if (upTo < next) {
        this.scheduleTransition();
        return;
      }
      const due = this.transitions()
        .filter((t) => t.at > from && t.at <= upTo)
        .sort((a, b) => a.at - b.at);
      this.transitionsAnnouncedUpTo = upTo;
      for (const t of due) {
        this.emit({ type: 'cert.cache.changed', time: this.clock.now(), reason: t.reason, certificates: this.certificates.size, crls: this.crls.size, subject: t.subject });
      }
      this.scheduleTransition();
    });
  }

  // ---------------------------------------------------------------------------
  // The directory

  async load(): Promise<void> {
    if (this.directory === '') {
      this.scan = { locals: [], authorities: [], problems: [] };
      return;
    }
    const { files, problems: readProblems } = await readCertificateDirectory(this.directory);
    const scan = scanCertificateFiles(files);
    this.scan = { ...scan, problems: [...readProblems, ...scan.problems] };
    const now = this.clock.now();
    for (const problem of this.scan.problems) this.emitStoreProblem(problem, now);
    for (const local of scan.locals) {
      if (!local.certificate) continue;
      const verdict = judgeValidity(local.certificate, now, this.timeZone);
      if (verdict.state !== 'valid') this.emitStoreProblem({ name: local.name, code: verdict.state, message: `${local.name}.cer: ${verdict.message}` }, now);
      const purpose = purposeProblem(local.certificate, 'end_entity');
      if (purpose !== undefined) this.emitStoreProblem({ name: local.name, code: 'wrong_purpose', message: `${local.name}.cer: ${purpose}` }, now);
    }
  }

  private emitStoreProblem(problem: { name: string; code: StoreProblem['code'] | 'expired' | 'not_yet_valid' | 'wrong_purpose'; message: string }, now: number): void {
    this.emit({ type: 'cert.store.problem', time: now, name: problem.name, code: problem.code, message: problem.message });
  }

  private authorityByName(name: string): ParsedCertificate | undefined {
    const authority = this.scan.authorities.find((entry) => entry.name === name);
    if (authority) return authority.certificate;
    const local = this.scan.locals.find((entry) => entry.name === name && entry.certificate?.isCa === true);
    return local?.certificate;
  }

  localCredential(name: string): LocalCredentialResult {
    const entry = this.scan.locals.find((local) => local.name === name);
    const where = this.directory === '' ? 'no certificate directory is configured (engine.certificateDirectory)' : `in ${this.directory}`;
    if (!entry) {
      const authority = this.scan.authorities.find((candidate) => candidate.name === name);
      const message = authority
        ? `"${name}" is a CA certificate (${authority.file}) without a private key; the gateway's own certificate needs ${name}.cer + ${name}.key`
        : `no certificate "${name}" (${name}.cer + ${name}.key) ${where}`;
      return { ok: false, cause: 'local_certificate', message };
    }
    if (entry.problems.length > 0 || !entry.certificate || !entry.privateKey) {
      const reasons = entry.problems.map((problem) => problem.message).join('; ');
      return { ok: false, cause: 'local_certificate', message: `certificate "${name}" is unusable: ${reasons || 'no certificate or key'}` };
    }
    const chain = [...entry.bundledChain];
    let current = chain[chain.length - 1] ?? entry.certificate;
    for (let depth = 0; depth < MAX_CHAIN_LENGTH && !current.selfIssued; depth++) {
      const issuer = this.findIssuer(current, this.scan.authorities.map((authority) => authority.certificate));
      if (!issuer || issuer.selfIssued) break;
      chain.push(issuer);
      current = issuer;
    }
    return {
      ok: true,
      credential: {
        name,
        certificate: entry.certificate.der,
        chain: chain.map((certificate) => certificate.der),
        privateKey: entry.privateKey,
        subject: entry.certificate.subject,
        subjectAltNames: entry.certificate.subjectAltNames.filter((san) => san.type !== 'uri' && san.type !== 'dn').map((san) => san.value),
      },
    };
  }

  /** SHA-1 of each named trust anchor's subjectPublicKeyInfo, for CERTREQ (RFC 7296 3.7); unknown names are left out. */
  trustAnchorKeyHashes(names: string[]): Uint8Array[] {
    return names.flatMap((name) => {
      const certificate = this.authorityByName(name);
      if (!certificate) return [];
      return [new Uint8Array(createHash('sha1').update(certificate.publicKey.export({ format: 'der', type: 'spki' })).digest())];
    });
  }

  private findIssuer(certificate: ParsedCertificate, pool: readonly ParsedCertificate[]): ParsedCertificate | undefined {
    return pool.find(
      (candidate) =>
        candidate.fingerprintSha256 !== certificate.fingerprintSha256 &&
        distinguishedNamesEqual(candidate.subject, certificate.issuer) &&
        signatureVerifies(certificate, candidate),
    );
  }

  // ---------------------------------------------------------------------------
  // Peer verification

  async verifyPeer(input: PeerCertificateInput): Promise<PeerVerification> {
    const now = this.clock.now();
    if (input.certificates.length === 0) {
      return failure('no_certificate', `peer ${input.peerAddress} (tunnel ${input.tunnel}) sent no certificate (no CERT payload)`, {
        tunnel: input.tunnel,
        peerAddress: input.peerAddress,
      });
    }
    const received: ParsedCertificate[] = [];
    for (const [index, der] of input.certificates.entries()) {
      try {
        received.push(parseCertificateDer(der, `CERT payload #${index + 1}`));
      } catch (error) {
        return failure('no_certificate', `peer ${input.peerAddress} sent no usable certificate: ${(error as Error).message}`, {
          tunnel: input.tunnel,
          peerAddress: input.peerAddress,
          payloadIndex: index,
        });
      }
    }
    const endEntity = received[0]!;
    const chainResult = this.buildTrustedChain(endEntity, received.slice(1), input.rootCertificates);
    this.cacheChain(chainResult.chain, input.peerAddress, now, chainResult.ok ? undefined : chainResult.failure.message);
    if (!chainResult.ok) return this.withContext(chainResult.failure, input);
    const chain = chainResult.chain;

    for (const certificate of chain) {
      const verdict = judgeValidity(certificate, now, this.timeZone);
      if (verdict.state !== 'valid') return this.withContext(failure(verdict.state, verdict.message, verdict.evidence), input);
    }
    for (const [index, certificate] of chain.entries()) {
      const problem = purposeProblem(certificate, index === 0 ? 'end_entity' : 'ca');
      if (problem !== undefined) {
        return this.withContext(
          failure('wrong_purpose', problem, {
            subject: certificate.subject,
            role: index === 0 ? 'end entity' : 'CA',
            basicConstraintsCa: certificate.isCa,
            keyUsage: certificate.keyUsage ?? null,
            extendedKeyUsage: certificate.extendedKeyUsage ?? null,
          }),
          input,
        );
      }
    }
    if (!certificateHasIdentity(endEntity, input.peerIdentity)) {
      const sans = endEntity.subjectAltNames.map((san) => `${san.type}:${san.value}`);
      return this.withContext(
        failure(
          'identity_mismatch',
          `peer identity ${input.peerIdentity.type}:${input.peerIdentity.value} is not in its certificate (subject "${endEntity.subject}"` +
            `${sans.length > 0 ? `, subjectAltName ${sans.join(', ')}` : ', no subjectAltName'})`,
          { peerIdentity: input.peerIdentity, expectedIdentity: input.expectedIdentity, subject: endEntity.subject, subjectAltNames: sans },
        ),
        input,
      );
    }
    if (input.crlChecking) {
      for (let index = 0; index < chain.length - 1; index++) {
        const outcome = await this.checkRevocation(chain[index]!, chain[index + 1]!, now);
        if (!outcome.ok) return this.withContext(failure(outcome.cause, outcome.message, outcome.evidence), input);
      }
    }
    return {
      ok: true,
      publicKey: endEntity.publicKey,
      certificate: this.summarise(endEntity, 'peer', now),
      chain: chain.map((certificate, index) => this.summarise(certificate, index === chain.length - 1 ? 'ca' : 'peer', now)),
    };
  }

  private withContext(result: Failure, input: PeerCertificateInput): Failure {
    return { ...result, evidence: { tunnel: input.tunnel, peerAddress: input.peerAddress, ...result.evidence } };
  }

  /**
   * From the end entity up through the received intermediates and the
   * directory's CA certificates to one of the tunnel's trust anchors,
   * verifying each signature. RFC 5280 6.1 without policy processing.
   */
  private buildTrustedChain(
    endEntity: ParsedCertificate,
    intermediates: readonly ParsedCertificate[],
    rootNames: readonly string[],
  ): { ok: true; chain: ParsedCertificate[] } | { ok: false; chain: ParsedCertificate[]; failure: Failure } {
    const anchors = rootNames.flatMap((name) => {
      const certificate = this.authorityByName(name);
      return certificate ? [{ name, certificate }] : [];
    });
    const missingRoots = rootNames.filter((name) => !anchors.some((anchor) => anchor.name === name));
    const anchorText = rootNames.map((name) => {
      const anchor = anchors.find((candidate) => candidate.name === name);
      return anchor ? `${name} ("${anchor.certificate.subject}")` : `${name} (not found in the certificate directory)`;
    });
    const rootsEvidence = {
      rootCertificates: rootNames,
      rootSubjects: anchors.map((anchor) => anchor.certificate.subject),
      ...(missingRoots.length > 0 ? { missingRoots } : {}),
    };
    const pool = [...intermediates, ...this.scan.authorities.map((authority) => authority.certificate)];
    const chain = [endEntity];
    let current = endEntity;
    for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
      if (anchors.some((anchor) => anchor.certificate.fingerprintSha256 === current.fingerprintSha256)) return { ok: true, chain };
      const anchorIssuer = anchors.find((anchor) => distinguishedNamesEqual(anchor.certificate.subject, current.issuer));
      if (anchorIssuer) {
        if (signatureVerifies(current, anchorIssuer.certificate)) {
          chain.push(anchorIssuer.certificate);
          return { ok: true, chain };
        }
        return {
          ok: false,
          chain,
          failure: failure(
            'other_ca',
            `"${current.subject}" names issuer "${current.issuer}" like trust anchor ${anchorIssuer.name}, but its signature does not verify with that CA's key: it was signed by another CA with the same name`,
            { issuer: current.issuer, subject: current.subject, ...rootsEvidence },
          ),
        };
      }
      if (current.selfIssued) break;
      const byName = pool.filter((candidate) => candidate.fingerprintSha256 !== current.fingerprintSha256 && distinguishedNamesEqual(candidate.subject, current.issuer));
      if (byName.length === 0) break;
      const issuer = byName.find((candidate) => signatureVerifies(current, candidate));
      if (!issuer) {
        return {
          ok: false,
          chain,
          failure: failure('bad_signature', `the signature of "${current.subject}" does not verify with the key of its issuer "${current.issuer}"`, {
            subject: current.subject,
            issuer: current.issuer,
            ...rootsEvidence,
          }),
        };
      }
      chain.push(issuer);
      current = issuer;
    }
    return {
      ok: false,
      chain,
      failure: failure(
        'other_ca',
        `"${endEntity.subject}" is issued by "${current.issuer}", which does not chain to the tunnel's root certificates: ${anchorText.join(', ') || '(none)'}`,
        { issuer: current.issuer, subject: endEntity.subject, chain: chain.map((certificate) => certificate.subject), ...rootsEvidence },
      ),
    };
  }

  private cacheChain(chain: readonly ParsedCertificate[], peerAddress: string, now: number, untrusted: string | undefined): void {
    for (const [index, certificate] of chain.entries()) {
      const existing = this.certificates.get(certificate.fingerprintSha256);
      if (existing) {
        if (index === 0) existing.untrusted = untrusted;
        continue;
      }
      const source = index > 0 && certificate.isCa && certificate.selfIssued ? 'ca' : 'peer';
      this.certificates.set(certificate.fingerprintSha256, {
        certificate,
        source,
        cachedAt: now,
        ...(source === 'peer' ? { receivedFrom: peerAddress } : {}),
        ...(index === 0 && untrusted !== undefined ? { untrusted } : {}),
      });
      this.emit({
        type: 'cert.cache.changed',
        time: now,
        reason: 'added',
        certificates: this.certificates.size,
        crls: this.crls.size,
        subject: certificate.subject,
      });
    }
  }

  // ---------------------------------------------------------------------------
  // Revocation (RFC 5280 5, 6.3)

  private async checkRevocation(certificate: ParsedCertificate, issuer: ParsedCertificate, now: number): Promise<CrlOutcome> {
    const points = certificate.crlDistributionPoints;
    // RFC 5280 leaves a certificate without a distribution point to other means; with none there is nothing to fetch.
    if (points.length === 0) return { ok: true, crl: undefined };
    const httpPoints = points.filter((url) => /^http:\/\//i.test(url));
    if (httpPoints.length === 0) {
      return {
        ok: false,
        cause: 'crl_unreachable',
        message: `"${certificate.subject}" names only CRL distribution points this gateway cannot fetch (http:// only): ${points.join(', ')}`,
        evidence: { subject: certificate.subject, crlDistributionPoints: points },
      };
    }
    let lastFailure: Extract<CrlOutcome, { ok: false }> | undefined;
    for (const url of httpPoints) {
      const cached = this.crls.get(url);
      let crl: CachedCrl;
      if (cached && (cached.nextUpdate === undefined || now < cached.nextUpdate)) {
        crl = cached;
      } else {
        const fetched = await this.fetchOnce(url, issuer, now);
        if (!fetched.ok) {
          lastFailure ??= fetched;
          continue;
        }
        crl = fetched.crl;
      }
      const entry = crl.revoked.get(normaliseSerial(certificate.serialNumber));
      if (entry && entry.date <= now) {
        return {
          ok: false,
          cause: 'revoked',
          message: `"${certificate.subject}" (serial ${certificate.serialNumber}) was revoked ${iso(entry.date)}, reason ${entry.reason}, by the CRL of "${crl.issuer}" (${url})`,
          evidence: {
            subject: certificate.subject,
            serialNumber: certificate.serialNumber,
            revocationDate: iso(entry.date),
            reason: entry.reason,
            crlUrl: url,
            crlThisUpdate: iso(crl.thisUpdate),
            ...(crl.nextUpdate === undefined ? {} : { crlNextUpdate: iso(crl.nextUpdate) }),
          },
        };
      }
      return { ok: true, crl };
    }
    return lastFailure!;
  }

  /** Concurrent negotiations needing the same CRL share one fetch. */
  private fetchOnce(url: string, issuer: ParsedCertificate, now: number): ReturnType<CertificateService['fetchAndCache']> {
    const pending = this.crlFetches.get(url);
    if (pending) return pending;
    const fetch = this.fetchAndCache(url, issuer, now).finally(() => this.crlFetches.delete(url));
    this.crlFetches.set(url, fetch);
    return fetch;
  }

  private async fetchAndCache(url: string, issuer: ParsedCertificate, now: number): Promise<{ ok: true; crl: CachedCrl } | Extract<CrlOutcome, { ok: false }>> {
    const dnsServers = [...this.dnsServers];
    const result = await this.fetchCrl({ url, dnsServers, timeoutMs: this.crlTimeoutMs });
    const base = { type: 'cert.crl.fetch' as const, time: this.clock.now(), url, issuer: issuer.subject, dnsServers };
    if (!result.ok) {
      const cause: CertificateFailureCause =
        result.state === 'no_dns_servers' ? 'no_dns_servers' : result.state === 'dns_failure' ? 'crl_dns_failure' : 'crl_unreachable';
      this.crlFailures.set(url, { issuer: issuer.subject, url, state: result.state, lastError: result.error });
      this.emit({ ...base, ok: false, state: result.state, error: result.error, ...(result.resolvedAddress ? { resolvedAddress: result.resolvedAddress } : {}) });
      return {
        ok: false,
        cause,
        message: `CRL of "${issuer.subject}": ${result.error}`,
        evidence: {
          crlUrl: url,
          dnsServers,
          error: result.error,
          ...(result.code === undefined ? {} : { errorCode: result.code }),
          ...(result.resolvedAddress === undefined ? {} : { resolvedAddress: result.resolvedAddress }),
        },
      };
    }
    const invalid = (why: string): Extract<CrlOutcome, { ok: false }> => {
      const error = `${url}: ${why}`;
      this.crlFailures.set(url, { issuer: issuer.subject, url, state: 'invalid', lastError: error });
      this.emit({ ...base, ok: false, state: 'invalid', error, resolvedAddress: result.resolvedAddress });
      return { ok: false, cause: 'crl_invalid', message: `CRL of "${issuer.subject}" from ${error}`, evidence: { crlUrl: url, error } };
    };
    let crl: x509.X509Crl;
    try {
      let der = result.body;
      if (looksLikePem(der)) {
        const block = pemBlocks(Buffer.from(der).toString('latin1')).find((candidate) => candidate.label === 'X509 CRL');
        if (!block) return invalid('no PEM "X509 CRL" block in the response');
        der = block.der;
      }
      crl = new x509.X509Crl(new Uint8Array(der));
    } catch (error) {
      return invalid(`not a CRL (${(error as Error).message})`);
    }
    // Both names in @peculiar/x509's spelling, so the comparison is like for like.
    const issuerCertificate = new x509.X509Certificate(new Uint8Array(issuer.der));
    if (!distinguishedNamesEqual(crl.issuer, issuerCertificate.subject)) return invalid(`issued by "${crl.issuer}", not by "${issuer.subject}"`);
    if (!mayIssueCrls(issuer)) return invalid(`"${issuer.subject}" may not sign CRLs (keyUsage without cRLSign)`);
    let signatureOk = false;
    try {
      signatureOk = await crl.verify({ publicKey: issuerCertificate });
    } catch {
      signatureOk = false;
    }
    if (!signatureOk) return invalid(`signature does not verify with the key of "${issuer.subject}"`);
    const revoked = new Map<string, RevokedEntry>();
    for (const entry of crl.entries) {
      revoked.set(normaliseSerial(entry.serialNumber), {
        date: entry.revocationDate.getTime(),
        reason: entry.reason === undefined ? 'unspecified' : (CRL_REASONS[entry.reason] ?? String(entry.reason)),
      });
    }
    const cached: CachedCrl = {
      url,
      issuer: issuer.subject,
      thisUpdate: crl.thisUpdate.getTime(),
      ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.getTime() } : {}),
      fetchedAt: now,
      revoked,
    };
    this.crls.set(url, cached);
    this.crlFailures.delete(url);
    this.emit({
      ...base,
      ok: true,
      state: 'valid',
      resolvedAddress: result.resolvedAddress,
      revokedCount: revoked.size,
      ...(cached.nextUpdate === undefined ? {} : { nextUpdate: cached.nextUpdate }),
    });
    this.emit({ type: 'cert.cache.changed', time: now, reason: 'crl_fetched', certificates: this.certificates.size, crls: this.crls.size, subject: issuer.subject });
    return { ok: true, crl: cached };
  }

  // ---------------------------------------------------------------------------
  // The cache and views

  private statusOf(certificate: ParsedCertificate, now: number, untrusted?: string): { status: CertificateStatus; statusDetail?: string } {
    const validity = judgeValidity(certificate, now, this.timeZone);
    if (validity.state === 'expired') return { status: 'Expired', statusDetail: validity.message };
    if (validity.state === 'not_yet_valid') return { status: 'Not yet valid', statusDetail: validity.message };
    for (const url of certificate.crlDistributionPoints) {
      const entry = this.crls.get(url)?.revoked.get(normaliseSerial(certificate.serialNumber));
      if (entry && entry.date <= now) return { status: 'Revoked', statusDetail: `revoked ${iso(entry.date)} (${entry.reason}), CRL ${url}` };
    }
    if (untrusted !== undefined) return { status: 'Untrusted', statusDetail: untrusted };
    return { status: 'Valid' };
  }

  private summarise(certificate: ParsedCertificate, source: CertificateSummary['source'], now: number, cached?: CachedCertificate): CertificateSummary {
    const status = this.statusOf(certificate, now, cached?.untrusted);
    return {
      id: certificate.fingerprintSha256,
      subject: certificate.subject,
      issuer: certificate.issuer,
      serialNumber: certificate.serialNumber,
      validFrom: certificate.notBefore,
      validTo: certificate.notAfter,
      ...status,
      isCa: certificate.isCa,
      keyType: certificate.keyType,
      source,
      ...(cached?.receivedFrom === undefined ? {} : { receivedFrom: cached.receivedFrom }),
      ...(cached === undefined ? {} : { cachedAt: cached.cachedAt }),
    };
  }

  /** -certshow order: end-entity certificates first, then CA certificates, each group in order of arrival. */
  private cachedInShowOrder(): CachedCertificate[] {
    const all = [...this.certificates.values()];
    return [...all.filter((entry) => !entry.certificate.isCa), ...all.filter((entry) => entry.certificate.isCa)];
  }

  certShowEntries(): CertShowEntry[] {
    const now = this.clock.now();
    return this.cachedInShowOrder().map((entry) => ({
      subject: entry.certificate.subject,
      issuer: entry.certificate.issuer,
      validFrom: entry.certificate.notBefore,
      validTo: entry.certificate.notAfter,
      status: this.statusOf(entry.certificate, now, entry.untrusted).status,
    }));
  }

  private crlViews(now: number): CrlView[] {
    const views: CrlView[] = [...this.crls.values()].map((crl) => ({
      issuer: crl.issuer,
      url: crl.url,
      state: crl.nextUpdate !== undefined && now >= crl.nextUpdate ? 'stale' : 'valid',
      thisUpdate: crl.thisUpdate,
      ...(crl.nextUpdate === undefined ? {} : { nextUpdate: crl.nextUpdate }),
      fetchedAt: crl.fetchedAt,
      revokedCount: crl.revoked.size,
    }));
    for (const failed of this.crlFailures.values()) if (!this.crls.has(failed.url)) views.push(failed);
    return views;
  }

  cache(): CertificateCacheView {
    const now = this.clock.now();
    return {
      time: now,
      timeZone: this.timeZone,
      certificates: this.cachedInShowOrder().map((entry) => this.summarise(entry.certificate, entry.source, now, entry)),
      crls: this.crlViews(now),
      text: formatCertShowTable(this.certShowEntries(), { verbose: true, timeZone: this.timeZone }),
    };
  }

  flush(): CertificateFlushResult {
    const result = { flushedCertificates: this.certificates.size, flushedCrls: this.crls.size };
    this.certificates.clear();
    this.crls.clear();
    this.crlFailures.clear();
    this.emit({ type: 'cert.cache.changed', time: this.clock.now(), reason: 'flushed', certificates: 0, crls: 0 });
    return result;
  }

  detail(id: string): CertificateDetail | undefined {
    const now = this.clock.now();
    const cached = this.certificates.get(id);
    const local = this.scan.locals.find((entry) => entry.certificate?.fingerprintSha256 === id);
    const authority = this.scan.authorities.find((entry) => entry.certificate.fingerprintSha256 === id);
    const certificate = cached?.certificate ?? local?.certificate ?? authority?.certificate;
    if (!certificate) return undefined;
    const source: CertificateSummary['source'] = cached ? cached.source : local ? 'local' : 'ca';
    const pool = [
      ...(local?.bundledChain ?? []),
      ...[...this.certificates.values()].map((entry) => entry.certificate),
      ...this.scan.authorities.map((entry) => entry.certificate),
    ];
    const chain: ParsedCertificate[] = [certificate];
    let chainError: string | undefined;
    let current = certificate;
    while (!current.selfIssued) {
      if (chain.length >= MAX_CHAIN_LENGTH) {
        chainError = `chain longer than ${MAX_CHAIN_LENGTH}`;
        break;
      }
      const issuer = this.findIssuer(current, pool);
      if (!issuer) {
        chainError = `issuer "${current.issuer}" of "${current.subject}" is neither cached nor a CA certificate in the directory`;
        break;
      }
      chain.push(issuer);
      current = issuer;
    }
    if (chainError === undefined && !signatureVerifies(current, current)) chainError = `self-signed "${current.subject}" does not verify with its own key`;
    return {
      certificate: this.summarise(certificate, source, now, cached),
      subjectAltNames: certificate.subjectAltNames.map((san) => `${san.type}:${san.value}`),
      extensions: [...certificate.extensions],
      crlDistributionPoints: [...certificate.crlDistributionPoints],
      fingerprintSha1: certificate.fingerprintSha1,
      pem: certificate.pem,
      chain: chain.map((link, index) => this.summarise(link, index === 0 ? source : 'ca', now, this.certificates.get(link.fingerprintSha256))),
      ...(chainError === undefined ? {} : { chainError }),
    };
  }

  store(): CertificateStoreView {
    const now = this.clock.now();
    const usedBy = (name: string) =>
      this.tunnels.filter((tunnel) => tunnel.auth.method === 'certificate' && (tunnel.auth.certificate === name || tunnel.auth.rootCertificates.includes(name))).map((tunnel) => tunnel.name);
    return {
      directory: this.directory,
      local: this.scan.locals.map((entry) => ({
        name: entry.name,
        ...(entry.certificate ? { certificate: this.summarise(entry.certificate, 'local', now) } : {}),
        hasKey: entry.hasKey,
        ...(entry.keyMatches === undefined ? {} : { keyMatches: entry.keyMatches }),
        problems: [
          ...entry.problems.map((problem) => problem.message),
          ...this.scan.problems.filter((problem) => problem.name === entry.name && !entry.problems.includes(problem)).map((problem) => problem.message),
        ],
        usedBy: usedBy(entry.name),
      })),
      authorities: this.scan.authorities.map((entry: AuthorityEntry) => this.summarise(entry.certificate, 'ca', now)),
    };
  }

  // ---------------------------------------------------------------------------
  // Upload

  async upload(upload: CertificateUpload): Promise<{ ok: true } | { ok: false; field: string; message: string }> {
    if (this.directory === '') return { ok: false, field: 'directory', message: 'no certificate directory is configured (engine.certificateDirectory)' };
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(upload.name) || upload.name.length > 64) {
      return { ok: false, field: 'name', message: `"${upload.name}" is not a certificate name (letters, digits, "_", ".", "-"; at most 64)` };
    }
    const certificateBytes = decodeUploadText(upload.certificate);
    if (certificateBytes === undefined) return { ok: false, field: 'certificate', message: 'neither PEM nor base64 DER' };
    let certificates: ParsedCertificate[];
    try {
      certificates = parseCertificates(certificateBytes);
    } catch (error) {
      return { ok: false, field: 'certificate', message: (error as Error).message };
    }
    const certificate = certificates[0]!;
    if (upload.kind === 'ca') {
      if (upload.privateKey !== undefined) return { ok: false, field: 'privateKey', message: 'a CA certificate is uploaded without a private key' };
      if (!certificate.isCa) return { ok: false, field: 'certificate', message: `"${certificate.subject}" is not a CA certificate (basicConstraints CA:TRUE)` };
      await this.writeAtomically(join(CA_SUBDIRECTORY, `${upload.name}.cer`), certificateBytes, 0o644);
      await this.load();
      return { ok: true };
    }
    if (upload.privateKey === undefined || upload.privateKey.trim() === '') {
      return { ok: false, field: 'privateKey', message: `the gateway's own certificate needs its private key (${upload.name}.key)` };
    }
    const keyBytes = decodeUploadText(upload.privateKey);
    if (keyBytes === undefined) return { ok: false, field: 'privateKey', message: 'neither PEM nor base64 DER' };
    let privateKeyMatches: boolean;
    try {
      privateKeyMatches = keyPairMatches(parsePrivateKey(keyBytes), certificate.publicKey);
    } catch (error) {
      return { ok: false, field: 'privateKey', message: (error as Error).message };
    }
    if (!privateKeyMatches) {
      return { ok: false, field: 'privateKey', message: `the private key is not the key of "${certificate.subject}" (${certificate.keyType})` };
    }
    await this.writeAtomically(`${upload.name}.key`, keyBytes, 0o600);
    await this.writeAtomically(`${upload.name}.cer`, certificateBytes, 0o644);
    await this.load();
    return { ok: true };
  }

  private async writeAtomically(relativePath: string, bytes: Uint8Array, mode: number): Promise<void> {
    const target = join(this.directory, relativePath);
    await mkdir(join(target, '..'), { recursive: true });
    const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temporary, bytes, { mode, flag: 'wx' });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** Upload text: PEM as is, otherwise base64 DER. */
function decodeUploadText(text: string): Uint8Array | undefined {
  if (text.includes('-----BEGIN ')) return new Uint8Array(Buffer.from(text, 'latin1'));
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
