/**
 * Seed 13.6.6 #5 "No public key found" by its precise cause, and the
 * 13.6.2 checklist (purposes, .cer/.key names, expiry, system time and
 * time zone, CRL / CA server access, the certificate cache).
 *
 *   ike.negotiation.failed / log.event  code no_public_key_found, evidence.cause
 *     -> one failure per IKE SA attempt (the log event and its lifecycle twin together)
 *     -> CERTIFICATE_CAUSE_TABLE[cause]  one rule (and finding code) per cause
 *   cert.crl.fetch     cited with the CRL causes (URL, DNS servers, error)
 *   cert.store.problem .cer/.key name mismatch, our own certificate unusable
 *   cert.cache.changed the cache: decisions taken from it, and flushes
 *
 * The evidence keys read here (all optional, shape-checked), as the
 * CertificateService writes them: subject, issuer, notBeforeUtc,
 * notAfterUtc, gatewayClockUtc, crlUrl, dnsServers, error, reason
 * (revocation), expectedIdentity, peerIdentity, fromCache, detail.
 */
import { CERTIFICATE_FAILURE_CAUSES, type CertificateFailureCause, type TunnelConfig } from '@tunnelscope/api';
import type { IndexedOf } from '../events/event-index.ts';
import type { FindingCode, FindingSide, FixOption } from '../model/finding.ts';
import { describeDuration, formatInZone, formatUtc, instantOf, skewAhead } from './certificate-time.ts';
import { groupBy } from './evidence-fields.ts';
import { crlCheckingFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

/** One failed certificate authentication (one IKE SA attempt). */
export interface CertificateFailure {
  readonly id: number;
  /** Every event reporting it (the coded log event and the lifecycle outcome). */
  readonly ids: readonly number[];
  readonly time: number;
  readonly tunnel: string | null;
  readonly peer: string | null;
  readonly ikeSaId: string | null;
  readonly cause: CertificateFailureCause;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

function causeOf(evidence: unknown): CertificateFailureCause | undefined {
  if (typeof evidence !== 'object' || evidence === null) return undefined;
  const cause = (evidence as Record<string, unknown>).cause;
  return (CERTIFICATE_FAILURE_CAUSES as readonly string[]).includes(cause as string) ? (cause as CertificateFailureCause) : undefined;
}

/** The certificate failures in the input, one per IKE SA attempt, oldest first. */
export function certificateFailures(ctx: RuleContext): CertificateFailure[] {
  const peerOfSa = new Map<string, string>();
  for (const entry of ctx.index.ofType('ike.negotiation.started')) peerOfSa.set(entry.event.ikeSaId, entry.event.remote.address);
  const failures: CertificateFailure[] = [];
  const byAttempt = new Map<string, CertificateFailure>();
  for (const entry of ctx.index.entries) {
    const event = entry.event;
    const isCandidate = (event.type === 'log.event' || event.type === 'ike.negotiation.failed') && event.code === 'no_public_key_found';
    if (!isCandidate) continue;
    const evidence = (event.evidence ?? {}) as Record<string, unknown>;
    const cause = causeOf(evidence);
    if (!cause) continue;
    const key = `${entry.ikeSaId ?? `#${entry.id}`}|${entry.time}|${cause}`;
    const twin = byAttempt.get(key);
    if (twin) {
      const merged: CertificateFailure = { ...twin, ids: [...twin.ids, entry.id], evidence: { ...evidence, ...twin.evidence }, peer: twin.peer ?? entry.peer };
      byAttempt.set(key, merged);
      failures[failures.indexOf(twin)] = merged;
      continue;
    }
    const failure: CertificateFailure = {
      id: entry.id,
      ids: [entry.id],
      time: entry.time,
      tunnel: entry.tunnel,
      peer: entry.peer ?? (entry.ikeSaId !== null ? (peerOfSa.get(entry.ikeSaId) ?? null) : null),
      ikeSaId: entry.ikeSaId,
      cause,
      message: event.message,
      evidence,
    };
    byAttempt.set(key, failure);
    failures.push(failure);
  }
  return failures;
}

// ---------------------------------------------------------------------------------
// Facts read from the evidence

function text(evidence: Readonly<Record<string, unknown>>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = evidence[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function textList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

function identityText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.type === 'string') return `${record.type}${typeof record.value === 'string' && record.value !== '' ? ` ${record.value}` : ''}`;
  }
  return undefined;
}

export interface CertificateFacts {
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
  readonly notBefore: number | undefined;
  readonly notAfter: number | undefined;
  /** The engine clock when the certificate was judged (the failure's time). */
  readonly gatewayNow: number;
  readonly timeZone: string;
  readonly url: string | undefined;
  readonly host: string | undefined;
  readonly dnsServers: readonly string[];
  readonly error: string | undefined;
  readonly expectedIdentity: string | undefined;
  readonly peerIdentity: string | undefined;
  readonly detail: string | undefined;
  /** The engine's own words for this failure. */
  readonly message: string;
  readonly fromCache: boolean;
  readonly revocationReason: string | undefined;
  /** The CRL fetch that decided (or failed) for this attempt, when one was published. */
  readonly fetch: IndexedOf<'cert.crl.fetch'> | undefined;
}

/** The last CRL fetch at or before the failure (same URL when the failure names one), within a minute. */
function fetchFor(ctx: RuleContext, failure: CertificateFailure, url: string | undefined): IndexedOf<'cert.crl.fetch'> | undefined {
  return ctx.index
    .ofType('cert.crl.fetch')
    .filter((entry) => entry.id < failure.id && failure.time - entry.time <= 60_000 && (url === undefined || entry.event.url === url))
    .at(-1);
}

export function certificateFacts(ctx: RuleContext, failure: CertificateFailure): CertificateFacts {
  const evidence = failure.evidence;
  const url = text(evidence, 'url', 'crlUrl');
  const fetch = fetchFor(ctx, failure, url);
  const hostFromUrl = (() => {
    const target = url ?? fetch?.event.url;
    try {
      return target ? new URL(target).hostname : undefined;
    } catch {
      return undefined;
    }
  })();
  return {
    subject: text(evidence, 'subject'),
    issuer: text(evidence, 'issuer'),
    notBefore: instantOf(evidence.notBefore) ?? instantOf(evidence.notBeforeUtc),
    notAfter: instantOf(evidence.notAfter) ?? instantOf(evidence.notAfterUtc),
    gatewayNow: instantOf(evidence.now) ?? instantOf(evidence.gatewayClockUtc) ?? failure.time,
    timeZone: ctx.config.timeZone,
    url: url ?? fetch?.event.url,
    host: text(evidence, 'host') ?? hostFromUrl,
    dnsServers: textList(evidence.dnsServers) ?? fetch?.event.dnsServers ?? ctx.config.dnsServers,
    error: text(evidence, 'error') ?? fetch?.event.error,
    expectedIdentity: identityText(evidence.expectedIdentity),
    peerIdentity: identityText(evidence.peerIdentity),
    detail: text(evidence, 'detail', 'purpose'),
    message: failure.message,
    fromCache: evidence.fromCache === true || evidence.cached === true || evidence.source === 'cache',
    revocationReason: text(evidence, 'revocationReason', 'reason'),
    fetch,
  };
}

function certName(facts: CertificateFacts): string {
  return facts.subject ? `"${facts.subject}"` : 'the peer\'s certificate';
}

/** Gateway clock, zone and certificate times side by side (seed 13.6.2). */
export function timeTable(facts: CertificateFacts): string {
  const rows = [`gateway clock ${formatUtc(facts.gatewayNow)} (${formatInZone(facts.gatewayNow, facts.timeZone)}, configured zone ${facts.timeZone})`];
  if (facts.notBefore !== undefined) rows.push(`valid from ${formatUtc(facts.notBefore)} (${formatInZone(facts.notBefore, facts.timeZone)})`);
  if (facts.notAfter !== undefined) rows.push(`valid to ${formatUtc(facts.notAfter)} (${formatInZone(facts.notAfter, facts.timeZone)})`);
  return rows.join('; ');
}

// ---------------------------------------------------------------------------------
// The cause table

interface CauseEntry {
  readonly code: FindingCode;
  readonly score: number;
  readonly side: FindingSide;
  readonly when: string;
  readonly explain: (facts: CertificateFacts, tunnel: TunnelConfig | undefined) => string;
  readonly reasoning: (facts: CertificateFacts) => string[];
  readonly steps: (facts: CertificateFacts, tunnel: TunnelConfig | undefined) => string[];
  readonly fixes?: (tunnel: TunnelConfig | undefined) => FixOption[];
  /** Config fields the finding points at (relative to the tunnel unless they start with "/"). */
  readonly configPaths: readonly string[];
}

const CACHE_STEP = 'If the certificate or the CA\'s CRL changed recently, clear the certificate cache with ike -certflush: the cached version is used while it is there.';
const PSK_FIRST = 'Before troubleshooting further, configure the tunnel as PSK and verify it establishes, then move on to certificates (seed 13.6.6 #5).';

function crlFix(tunnel: TunnelConfig | undefined): FixOption[] {
  return tunnel && tunnel.auth.method === 'certificate' && tunnel.crlChecking ? [crlCheckingFix(tunnel.name, false)] : [];
}

function dnsList(facts: CertificateFacts): string {
  return facts.dnsServers.length > 0 ? facts.dnsServers.join(', ') : 'none';
}

export const CERTIFICATE_CAUSE_TABLE: Readonly<Record<CertificateFailureCause, CauseEntry>> = {
  other_ca: {
    code: 'certificate_other_ca',
    score: 0.92,
    side: 'either',
    when: 'the peer\'s certificate does not chain to any CA the tunnel trusts',
    explain: (facts, tunnel) =>
      `No public key found: the certificate on either side is not signed by the same CA server. ${certName(facts)} was issued by ${facts.issuer ? `"${facts.issuer}"` : 'a CA'}, which is not among the trusted CAs of this tunnel${tunnel?.auth.method === 'certificate' ? ` (${tunnel.auth.rootCertificates.join(', ')})` : ''}.`,
    reasoning: (facts) => [`the chain of ${certName(facts)} ends at ${facts.issuer ? `"${facts.issuer}"` : 'an issuer'} we do not trust`],
    steps: (facts) => [
      `Have both gateways' certificates issued by the same CA, or add the CA that issued the peer's certificate${facts.issuer ? ` ("${facts.issuer}")` : ''} to this tunnel's root certificates.`,
      'Check that the CA certificate is loaded (the certificate directory, .cer files) and is a CA certificate (basicConstraints cA).',
    ],
    configPaths: ['auth.rootCertificates'],
  },
  expired: {
    code: 'certificate_expired',
    score: 0.92,
    side: 'remote',
    when: 'the peer\'s certificate (or one in its chain) is past its notAfter on the gateway clock',
    explain: (facts) =>
      `No public key found: ${certName(facts)} has expired${facts.notAfter !== undefined ? ` ${describeDuration(facts.gatewayNow - facts.notAfter)} ago` : ''}. Certificates have a specific lifetime and when this expires they cannot be used: a new certificate must be issued. If the certificate should still be valid, check that the system date and time is set correctly. Times: ${timeTable(facts)}.`,
    reasoning: (facts) => [facts.notAfter !== undefined ? `notAfter ${formatUtc(facts.notAfter)} is before the gateway clock ${formatUtc(facts.gatewayNow)}` : 'the engine judged the certificate expired'],
    steps: () => ['Issue a new certificate for the peer (and install it with its .key).', 'Check that the system date and time is set correctly on this gateway and on the peer.', CACHE_STEP],
    configPaths: [],
  },
  not_yet_valid: {
    code: 'certificate_not_yet_valid',
    score: 0.92,
    side: 'either',
    when: 'the peer\'s certificate is not valid yet on the gateway clock (system time or time zone)',
    explain: (facts) => {
      const skew = facts.notBefore !== undefined ? skewAhead(facts.notBefore, facts.gatewayNow) : undefined;
      const zone =
        skew?.zoneLikeHours != null
          ? ` Its start lies ${skew.zoneLikeHours} h ahead of the gateway clock: a whole time-zone offset. This is the time-zone issue of newly generated certificates: the CA server (or this gateway) has its clock set to local time as if it were UTC, so the certificate is not yet valid in this zone. It becomes valid by itself at ${formatInZone(facts.notBefore!, facts.timeZone)}.`
          : '';
      return `No public key found: ${certName(facts)} has not yet started to be valid${skew ? ` (it starts in ${describeDuration(skew.aheadMs)})` : ''}. This can happen if the clock is set incorrectly on either the CA server or this gateway, or they are in different time zones.${zone} Times: ${timeTable(facts)}.`;
    },
    reasoning: (facts) => {
      if (facts.notBefore === undefined) return ['the engine judged the certificate not yet valid'];
      const skew = skewAhead(facts.notBefore, facts.gatewayNow);
      return [
        `notBefore ${formatUtc(facts.notBefore)} is ${describeDuration(skew.aheadMs)} after the gateway clock ${formatUtc(facts.gatewayNow)}`,
        skew.zoneLikeHours !== null ? `that is ${skew.zoneLikeHours} whole hour(s) within 10 min: a time-zone offset, not a random clock error` : 'not a whole-hour offset: a clock set wrong rather than a time zone',
      ];
    },
    steps: (facts) => {
      const skew = facts.notBefore !== undefined ? skewAhead(facts.notBefore, facts.gatewayNow) : undefined;
      return [
        `Check that the system date and time is set correctly on this gateway (now ${formatUtc(facts.gatewayNow)}, zone ${facts.timeZone}) and on the CA server.`,
        skew?.zoneLikeHours != null
          ? `Check the CA server's clock and time zone: it issued the certificate ${skew.zoneLikeHours} h in the future (local time taken for UTC). Re-issue the certificate, or wait until ${formatInZone(facts.notBefore!, facts.timeZone)}.`
          : 'Re-issue the certificate with a start time in the past, or correct the clock that is wrong.',
        CACHE_STEP,
      ];
    },
    configPaths: ['/timeZone'],
  },
  revoked: {
    code: 'certificate_revoked',
    score: 0.93,
    side: 'remote',
    when: 'the peer\'s certificate is listed in its CA\'s CRL',
    explain: (facts) =>
      `No public key found: ${certName(facts)} is revoked: its CA lists it in the CRL${facts.url ? ` (${facts.url})` : ''}${facts.revocationReason ? `, reason ${facts.revocationReason}` : ''}. A revoked certificate cannot be used to authenticate.${facts.fromCache ? ' The decision used the CRL in the certificate cache.' : ''}`,
    reasoning: (facts) => [
      `the CRL ${facts.url ?? 'of the issuing CA'} lists ${certName(facts)}`,
      ...(facts.fetch ? [`the CRL was fetched at ${formatUtc(facts.fetch.time)} (${facts.fetch.event.revokedCount ?? '?'} revoked)`] : []),
    ],
    steps: () => ['Issue a new certificate for the peer; a revoked certificate is not reinstated.', CACHE_STEP],
    configPaths: [],
  },
  crl_unreachable: {
    code: 'crl_unreachable',
    score: 0.9,
    side: 'local',
    when: 'the CRL could not be fetched from the CA server (connection refused, timeout, HTTP error)',
    explain: (facts) =>
      `No public key found: this gateway is unable to reach the Certificate Revocation List (CRL) on the CA server in order to verify if the certificate is valid${facts.url ? ` (${facts.url}${facts.error ? `: ${facts.error}` : ''})` : ''}. Double-check that the CRL path is valid in the certificate's properties and that the CA server is reachable.`,
    reasoning: (facts) => [`the CRL fetch ${facts.url ? `from ${facts.url} ` : ''}failed${facts.error ? `: ${facts.error}` : ''}`],
    steps: (facts) => [
      `Check that the CA server${facts.host ? ` ${facts.host}` : ''} is up and reachable from this gateway over HTTP.`,
      'Double-check the CRL path (cRLDistributionPoints) in the certificate\'s properties.',
      'Disable CRL checking on the tunnel to see if CA server access is the problem (machine fix below; turn it on again afterwards).',
    ],
    fixes: crlFix,
    configPaths: ['crlChecking'],
  },
  crl_dns_failure: {
    code: 'crl_dns_failure',
    score: 0.9,
    side: 'local',
    when: 'the CRL host name did not resolve with the configured DNS servers',
    explain: (facts) =>
      `No public key found: the CRL path${facts.url ? ` ${facts.url}` : ''} names a host${facts.host ? ` (${facts.host})` : ''} that the DNS client could not resolve (DNS servers: ${dnsList(facts)}${facts.error ? `; ${facts.error}` : ''}). Without the address the CRL cannot be fetched, so the certificate cannot be verified.`,
    reasoning: (facts) => [`resolving ${facts.host ?? 'the CRL host'} with ${dnsList(facts)} failed${facts.error ? `: ${facts.error}` : ''}`],
    steps: (facts) => [
      `Check that the DNS servers (${dnsList(facts)}) answer for ${facts.host ?? 'the CRL host'}.`,
      'Double-check the CRL path in the certificate\'s properties.',
      'Disable CRL checking on the tunnel to see if CA server access is the problem (machine fix below).',
    ],
    fixes: crlFix,
    configPaths: ['/dnsServers', 'crlChecking'],
  },
  no_dns_servers: {
    code: 'no_dns_servers',
    score: 0.93,
    side: 'local',
    when: 'the CRL path names a host but no DNS server is configured',
    explain: (facts) =>
      `No public key found: the CRL path${facts.url ? ` ${facts.url}` : ''} names a host${facts.host ? ` (${facts.host})` : ''}, and there is no DNS client configured on this gateway to resolve it, so the CRL cannot be fetched. Make sure there is a DNS client configured in order to correctly resolve the path to the CRL.`,
    reasoning: () => ['the configuration has no DNS servers (dnsServers is empty)'],
    steps: (facts) => [
      `Add a DNS server that resolves ${facts.host ?? 'the CA server\'s name'} to the gateway's DNS client settings (dnsServers).`,
      'Disable CRL checking on the tunnel meanwhile, if the tunnel must come up at once (machine fix below).',
    ],
    fixes: crlFix,
    configPaths: ['/dnsServers'],
  },
  crl_invalid: {
    code: 'crl_invalid',
    score: 0.85,
    side: 'remote',
    when: 'the CRL was fetched but cannot be used (bad signature, wrong issuer, expired, not a CRL)',
    explain: (facts) => `No public key found: the CRL${facts.url ? ` from ${facts.url}` : ''} was fetched but cannot be used${facts.error ? ` (${facts.error})` : ''}, so the certificate cannot be verified.`,
    reasoning: (facts) => [`the CRL ${facts.url ?? ''} is not usable${facts.error ? `: ${facts.error}` : ''}`],
    steps: () => ['Have the CA publish a fresh, correctly signed CRL at the path in the certificate.', 'Disable CRL checking on the tunnel meanwhile (machine fix below).', CACHE_STEP],
    fixes: crlFix,
    configPaths: ['crlChecking'],
  },
  identity_mismatch: {
    code: 'certificate_identity_mismatch',
    score: 0.88,
    side: 'either',
    when: 'the peer\'s certificate does not name the identity the tunnel expects',
    explain: (facts) =>
      `No public key found: ${certName(facts)} does not name the identity this tunnel expects${facts.expectedIdentity ? ` (${facts.expectedIdentity})` : ''}${facts.peerIdentity ? `; the peer presented ${facts.peerIdentity}` : ''}. The subject DN or a subjectAltName must match the remote identity.`,
    reasoning: (facts) => [`expected ${facts.expectedIdentity ?? 'the remote identity'}, the certificate names ${facts.subject ?? 'another subject'}`],
    steps: () => ['Set the tunnel\'s remote identity to the peer certificate\'s subject DN or one of its subjectAltNames, or issue the peer a certificate that names it.'],
    configPaths: ['remoteId'],
  },
  wrong_purpose: {
    code: 'certificate_wrong_purpose',
    score: 0.9,
    side: 'remote',
    when: 'the peer\'s certificate is not made for signing IKE (a CA certificate as end entity, no digitalSignature, wrong extendedKeyUsage)',
    explain: (facts) =>
      `Check that the correct certificates have been used for the correct purposes: ${certName(facts)} may not be used to authenticate a gateway (${facts.detail ?? facts.message}). An end-entity certificate needs keyUsage digitalSignature and must not be a CA certificate.`,
    reasoning: (facts) => [`the purpose check failed${facts.detail ? `: ${facts.detail}` : ''}`],
    steps: () => ['Issue the peer a gateway certificate (end entity, keyUsage digitalSignature, extendedKeyUsage serverAuth/ipsecIKE or none).', 'Load CA certificates as trusted CAs only, never as the gateway certificate.'],
    configPaths: [],
  },
  no_certificate: {
    code: 'no_certificate_received',
    score: 0.85,
    side: 'remote',
    when: 'the peer authenticated with a signature but sent no certificate, and none is known for it',
    explain: () => 'No public key found: the peer signed its AUTH but sent no certificate (CERT payload), and there is no certificate for it in the cache. The two sides may not agree on how to authenticate, or the peer does not send its certificate.',
    reasoning: () => ['no CERT payload was received and none was cached'],
    steps: () => ['Configure the peer to send its certificate (always, or on CERTREQ).', 'Check that both sides use certificate authentication.', PSK_FIRST],
    configPaths: ['auth'],
  },
  bad_signature: {
    code: 'certificate_bad_signature',
    score: 0.85,
    side: 'remote',
    when: 'a certificate\'s signature does not verify with its issuer\'s key',
    explain: (facts) => `No public key found: the signature on ${certName(facts)} does not verify with the key of ${facts.issuer ? `"${facts.issuer}"` : 'its issuer'}: the certificate was altered, or a different CA with the same name signed it.`,
    reasoning: () => ['the certificate signature did not verify'],
    steps: () => ['Reinstall the CA certificate and have the peer re-issued by the right CA.', CACHE_STEP],
    configPaths: ['auth.rootCertificates'],
  },
  local_certificate: {
    code: 'local_certificate_problem',
    score: 0.9,
    side: 'local',
    when: 'our own certificate or key for the tunnel cannot be used',
    explain: (facts, tunnel) =>
      `Our own certificate${tunnel?.auth.method === 'certificate' ? ` "${tunnel.auth.certificate}"` : ''} cannot be used: ${facts.detail ?? facts.message}. Check that the certificate .cer and .key files have the same filename, e.g. my_cert.key and my_cert.cer, and that the key belongs to the certificate.`,
    reasoning: () => ['the engine could not load our certificate and key for this tunnel'],
    steps: (_facts, tunnel) => [
      `Check that ${tunnel?.auth.method === 'certificate' ? `${tunnel.auth.certificate}.cer and ${tunnel.auth.certificate}.key` : 'the .cer and .key files'} exist in the certificate directory with the same filename.`,
      'Check that the key matches the certificate, and that the certificate is valid now and made for signing.',
    ],
    configPaths: ['auth.certificate'],
  },
};

function configPathsFor(ctx: RuleContext, entry: CauseEntry, tunnel: string | null): string[] {
  const index = ctx.tunnelIndex(tunnel);
  return entry.configPaths.flatMap((path) => (path.startsWith('/') ? [path.slice(1)] : index >= 0 ? [`tunnels[${index}].${path}`] : []));
}

/** Store problems about the tunnel's own certificate, cited with a local_certificate failure. */
function storeProblemsFor(ctx: RuleContext, tunnel: TunnelConfig | undefined): Array<IndexedOf<'cert.store.problem'>> {
  if (tunnel?.auth.method !== 'certificate') return [];
  const name = tunnel.auth.certificate;
  return ctx.index.ofType('cert.store.problem').filter((entry) => baseName(entry.event.name) === name);
}

function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).at(-1) ?? fileName;
  return last.replace(/\.(cer|crt|pem|der|key)$/i, '');
}

function certificateCauseRule(cause: CertificateFailureCause): DiagnosisRule {
  const entry = CERTIFICATE_CAUSE_TABLE[cause];
  return {
    code: entry.code,
    severity: 'error',
    basis: 'events',
    reads: { conditions: ['peer_certificate_rejected', 'local_certificate_unusable'], eventTypes: ['ike.negotiation.failed', 'cert.crl.fetch', 'cert.store.problem'], config: ['tunnels[].auth', 'timeZone', 'dnsServers', 'tunnels[].crlChecking'] },
    when: entry.when,
    evaluate(ctx) {
      const failures = certificateFailures(ctx).filter((failure) => failure.cause === cause && !failure.ids.some((id) => ctx.isExplained(id)));
      return [...groupBy(failures, (failure) => `${failure.tunnel}|${failure.peer}`).values()].map((group): FindingDraft => {
        const latest = group[group.length - 1]!;
        const tunnel = ctx.tunnel(latest.tunnel);
        const facts = certificateFacts(ctx, latest);
        const fetches = group.flatMap((failure) => {
          const fetch = certificateFacts(ctx, failure).fetch;
          return fetch ? [fetch.id] : [];
        });
        const store = cause === 'local_certificate' ? storeProblemsFor(ctx, tunnel).map((e) => e.id) : [];
        const explained = group.flatMap((failure) => failure.ids);
        const skew = cause === 'not_yet_valid' && facts.notBefore !== undefined ? skewAhead(facts.notBefore, facts.gatewayNow) : undefined;
        return {
          tunnel: latest.tunnel,
          peer: latest.peer,
          phase: 'ike',
          side: entry.side,
          score: entry.score,
          reasoning: [`the engine reports "No public key found" with cause ${cause} (${group.length} time(s))`, ...entry.reasoning(facts)],
          evidenceEventIds: [...explained, ...fetches, ...store],
          explains: explained,
          occurrences: group.length,
          configPaths: configPathsFor(ctx, entry, latest.tunnel),
          explanation: entry.explain(facts, tunnel),
          fixSteps: entry.steps(facts, tunnel),
          fixes: entry.fixes?.(tunnel) ?? [],
          facts: {
            cause,
            subject: facts.subject ?? null,
            issuer: facts.issuer ?? null,
            notBefore: facts.notBefore ?? null,
            notAfter: facts.notAfter ?? null,
            gatewayClock: facts.gatewayNow,
            gatewayClockUtc: formatUtc(facts.gatewayNow),
            gatewayClockLocal: formatInZone(facts.gatewayNow, facts.timeZone),
            timeZone: facts.timeZone,
            ...(skew ? { aheadMs: skew.aheadMs, timeZoneOffsetHours: skew.zoneLikeHours } : {}),
            crlUrl: facts.url ?? null,
            crlHost: facts.host ?? null,
            dnsServers: [...facts.dnsServers],
            fromCache: facts.fromCache,
            engineMessage: latest.message,
          },
          resolvedBy: 'ike.sa.up',
        };
      });
    },
  };
}

/** One rule per cause, in the table's order. */
export const certificateCauseRules: readonly DiagnosisRule[] = CERTIFICATE_FAILURE_CAUSES.map(certificateCauseRule);

// ---------------------------------------------------------------------------------
// The certificate directory: .cer/.key names (seed 13.6.2)

const NAME_PROBLEMS = ['name_mismatch', 'missing_key', 'missing_certificate', 'key_mismatch'] as const;

export const certificateNameMismatchRule: DiagnosisRule = {
  code: 'certificate_name_mismatch',
  severity: 'error',
  basis: 'events',
  reads: { eventTypes: ['cert.store.problem'], config: ['tunnels[].auth.certificate', 'engine.certificateDirectory'] },
  when: 'loading the certificate directory found a .cer without its .key (or the reverse), differently named files, or a key that does not match',
  evaluate(ctx) {
    const problems = ctx.index.ofType('cert.store.problem').filter((entry) => (NAME_PROBLEMS as readonly string[]).includes(entry.event.code));
    return [...groupBy(problems, (entry) => baseName(entry.event.name)).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const name = baseName(latest.event.name);
      const users = ctx.config.tunnels.filter((t) => t.auth.method === 'certificate' && t.auth.certificate === name);
      const failures = certificateFailures(ctx).filter((f) => f.cause === 'local_certificate' && users.some((t) => t.name === f.tunnel));
      const cited = [...group.map((e) => e.id), ...failures.flatMap((f) => f.ids)];
      const codes = [...new Set(group.map((e) => e.event.code))];
      const first = users[0];
      return {
        tunnel: first?.name ?? null,
        peer: null,
        phase: 'ike',
        side: 'local',
        score: users.length > 0 ? 0.95 : 0.8,
        reasoning: [
          ...group.map((e) => e.event.message),
          users.length > 0 ? `tunnel(s) ${users.map((t) => `"${t.name}"`).join(', ')} use the certificate "${name}"` : `no tunnel uses "${name}" yet`,
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: [...users.map((t) => `tunnels[${ctx.tunnelIndex(t.name)}].auth.certificate`), 'engine.certificateDirectory'],
        explanation: `Check that the certificate .cer and .key files have the same filename, for example my_cert.key and my_cert.cer: ${latest.event.message}. The gateway pairs a certificate with its private key by file name, so ${codes.includes('key_mismatch') ? 'a key that does not belong to the certificate' : 'a differently named pair'} leaves "${name}" without a usable key${users.length > 0 ? ` and ${users.map((t) => `"${t.name}"`).join(', ')} cannot authenticate` : ''}.`,
        fixSteps: [
          `Rename the files so the pair is ${name}.cer and ${name}.key in the certificate directory${ctx.config.engine.certificateDirectory ? ` (${ctx.config.engine.certificateDirectory})` : ''}${codes.includes('key_mismatch') ? ', and install the key that belongs to the certificate' : ''}.`,
          'Reload the certificates, then initiate the tunnel again.',
        ],
        fixes: [],
        facts: { certificate: name, problems: codes, files: group.map((e) => e.event.name), tunnels: users.map((t) => t.name) },
        resolvedBy: 'ike.sa.up',
        discriminator: name,
      };
    });
  },
};

// ---------------------------------------------------------------------------------
// The certificate cache (seed 13.6.2: ike -certflush)

function lastFetchBefore(ctx: RuleContext, url: string, id: number): IndexedOf<'cert.crl.fetch'> | undefined {
  return ctx.index
    .ofType('cert.crl.fetch')
    .filter((e) => e.event.url === url && e.event.ok && e.id < id)
    .at(-1);
}

/**
 * Two signs the cache decided with outdated material:
 *   confirmed  after `ike -certflush` the refetched CRL differs from the one cached before
 *              (another count of revoked certificates) — the flush changed the outcome
 *   suspected  certificate failures keep being decided from the cache (no fetch since the
 *              first) and the certificate is only on hold (revocationReason certificateHold),
 *              which a CA may lift at any time
 */
export const certificateCacheStaleRule: DiagnosisRule = {
  code: 'certificate_cache_stale',
  severity: 'warning',
  basis: 'events',
  reads: { eventTypes: ['cert.cache.changed', 'cert.crl.fetch', 'ike.negotiation.failed', 'log.event'] },
  when: 'a refetch after ike -certflush shows the cached CRL was outdated, or failures keep being decided from a cached CRL that lists a certificate only on hold',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    const flushes = ctx.index.ofType('cert.cache.changed').filter((e) => e.event.reason === 'flushed');
    const confirmed = ctx.index.ofType('cert.crl.fetch').flatMap((fetch) => {
      if (!fetch.event.ok) return [];
      const flush = flushes.filter((f) => f.id < fetch.id).at(-1);
      if (!flush) return [];
      const before = lastFetchBefore(ctx, fetch.event.url, flush.id);
      if (!before || before.event.revokedCount === fetch.event.revokedCount) return [];
      // Only the first fetch after this flush counts.
      const firstAfter = ctx.index.ofType('cert.crl.fetch').find((e) => e.id > flush.id && e.event.url === fetch.event.url);
      return firstAfter?.id === fetch.id ? [{ fetch, flush, before }] : [];
    });
    for (const { fetch, flush, before } of confirmed) {
      const after = certificateFailures(ctx).filter((f) => f.id > fetch.id).at(0);
      drafts.push({
        tunnel: after?.tunnel ?? null,
        peer: after?.peer ?? null,
        phase: 'ike',
        side: 'local',
        severity: 'info',
        score: 0.8,
        reasoning: [
          `the CRL ${fetch.event.url} cached at ${formatUtc(before.time)} listed ${before.event.revokedCount ?? '?'} revoked certificate(s)`,
          `after ike -certflush at ${formatUtc(flush.time)} the refetched CRL lists ${fetch.event.revokedCount ?? '?'}`,
        ],
        evidenceEventIds: [before.id, flush.id, fetch.id, ...(after ? after.ids : [])],
        explains: [],
        configPaths: [],
        explanation: `The certificate cache was stale: the gateway uses the version that is in the cache if it is there, and the CRL of ${fetch.event.issuer} changed at the CA after it was cached (${before.event.revokedCount ?? '?'} -> ${fetch.event.revokedCount ?? '?'} revoked). ike -certflush emptied the cache and the next negotiation fetched the current CRL${after ? `; it now decides "${after.cause}"` : ''}.`,
        fixSteps: ['Nothing more for the cache: it now holds the current CRL. Run ike -certflush again whenever a certificate or CRL changes at the CA.'],
        fixes: [],
        facts: { url: fetch.event.url, cachedAt: before.time, flushedAt: flush.time, revokedBefore: before.event.revokedCount ?? null, revokedAfter: fetch.event.revokedCount ?? null },
        discriminator: `confirmed:${fetch.event.url}`,
      });
    }
    const held = certificateFailures(ctx).filter((f) => f.cause === 'revoked' && /hold/i.test(String(f.evidence.revocationReason ?? f.evidence.reason ?? '')));
    for (const group of groupBy(held, (f) => `${f.tunnel}|${f.peer}`).values()) {
      const first = group[0]!;
      const latest = group[group.length - 1]!;
      const facts = certificateFacts(ctx, latest);
      const flushedSince = flushes.some((f) => f.id > latest.id);
      const refetched = facts.url ? ctx.index.ofType('cert.crl.fetch').some((e) => e.event.url === facts.url && e.id > first.id) : false;
      if (flushedSince || refetched || group.length < 2) continue;
      const cached = facts.url ? lastFetchBefore(ctx, facts.url, first.id) : undefined;
      drafts.push({
        tunnel: latest.tunnel,
        peer: latest.peer,
        phase: 'ike',
        side: 'local',
        score: 0.95,
        reasoning: [
          `${group.length} failures since ${formatUtc(first.time)} were decided with the CRL in the cache${cached ? `, fetched at ${formatUtc(cached.time)}` : ''}: no fetch since`,
          'the certificate is only on hold (certificateHold): the CA can lift the hold, and the cached CRL would not show it',
        ],
        evidenceEventIds: [...(cached ? [cached.id] : []), ...group.flatMap((f) => f.ids)],
        explains: group.flatMap((f) => f.ids),
        occurrences: group.length,
        configPaths: [],
        explanation: `No public key found, decided from the certificate cache: ${certName(facts)} is on hold in the CRL cached${cached ? ` at ${formatUtc(cached.time)}` : ''}${facts.url ? ` from ${facts.url}` : ''}, and every attempt since uses that cached copy. The gateway uses the version in the cache if it is there: if the CA has lifted the hold, the cache must be cleared for the change to be seen.`,
        fixSteps: ['Run ike -certflush to clear the certificate cache; the next negotiation refetches the CRL.', 'If the certificate stays on hold after the refetch, the CA has not released it: ask its administrator.'],
        fixes: [],
        facts: { cause: 'revoked', revocationReason: facts.revocationReason ?? null, crlUrl: facts.url ?? null, cachedAt: cached?.time ?? null, attemptsFromCache: group.length },
        resolvedBy: 'ike.sa.up',
        discriminator: 'hold',
      });
    }
    return drafts;
  },
};

/** For the wizard and tests: the failure causes with the finding code each produces. */
export function findingCodeForCause(cause: CertificateFailureCause): FindingCode {
  return CERTIFICATE_CAUSE_TABLE[cause].code;
}
