/**
 * Certificate findings (13.6.2, 13.6.6 #5) from events shaped exactly as
 * the engine's schemas: every cause of "No public key found" gives its own
 * finding, the time-zone case shows the clocks side by side, CRL causes
 * cite the fetch, the .cer/.key mismatch comes from cert.store.problem, and
 * the cache (ike -certflush) is read from cert.cache.changed / cert.crl.fetch.
 */
import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_FAILURE_CAUSES,
  CertificateEventSchema,
  IkeNegotiationFailedEventSchema,
  LogEventSchema,
  listSchemaIssues,
  type CertificateFailureCause,
  type GatewayConfig,
} from '@tunnelscope/api';
import { diagnose } from '../diagnose.ts';
import { proposeFix } from '../fixes/propose-fix.ts';
import type { DiagnosisEvent, TunnelscopeEvent } from '../model/diagnosis-input.ts';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';
import { CERTIFICATE_CAUSE_TABLE } from './certificate-rules.ts';

const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);
const PEER = '127.0.1.30';

function certConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const tunnel = makeTunnel({
    name: 'branch-cert',
    localEndpoint: '127.0.1.1',
    remoteEndpoint: PEER,
    auth: { method: 'certificate', certificate: 'hq-gw', rootCertificates: ['lab-ca'] },
    crlChecking: true,
  });
  return { ...makeConfig([tunnel]), timeZone: 'Europe/Stockholm', dnsServers: ['127.0.1.53:10053'], ...overrides };
}

/** One failed certificate authentication as the daemon publishes it: the coded log event and its lifecycle twin. */
function failure(time: number, ikeSaId: string, cause: CertificateFailureCause, evidence: Record<string, unknown> = {}, message = `No public key found: ${cause}`): TunnelscopeEvent[] {
  const full = { cause, ...evidence };
  return [
    { type: 'ike.negotiation.started', time: time - 20, ikeSaId, tunnel: null, role: 'responder', local: { address: '127.0.1.1', port: 10500 }, remote: { address: PEER, port: 10500 } },
    {
      type: 'log.event',
      time,
      code: 'no_public_key_found',
      severity: 'error',
      condition: cause === 'local_certificate' ? 'local_certificate_unusable' : 'peer_certificate_rejected',
      message,
      tunnel: 'branch-cert',
      peer: { address: PEER, port: 10500 },
      phase: 'ike',
      side: 'responder',
      ikeSaId,
      messageIds: [1],
      evidence: { datagramIds: [], ...full },
    },
    { type: 'ike.negotiation.failed', time, ikeSaId, tunnel: 'branch-cert', code: 'no_public_key_found', message, evidence: { ...full, datagramIds: [] } },
  ];
}

function numbered(events: TunnelscopeEvent[]): DiagnosisEvent[] {
  return events.map((event, i) => ({ id: i + 1, event }));
}

function checkShapes(events: readonly TunnelscopeEvent[]): void {
  for (const event of events) {
    if (event.type === 'log.event') expect(listSchemaIssues(LogEventSchema, event)).toEqual([]);
    if (event.type === 'ike.negotiation.failed') expect(listSchemaIssues(IkeNegotiationFailedEventSchema, event)).toEqual([]);
    if (event.type.startsWith('cert.')) expect(listSchemaIssues(CertificateEventSchema, event)).toEqual([]);
  }
}

function run(events: TunnelscopeEvent[], config = certConfig()) {
  checkShapes(events);
  const input = { config, events: numbered(events), now: Math.max(...events.map((e) => e.time)) + 1000 };
  return { input, findings: diagnose(input) };
}

describe('one finding per cause of "No public key found"', () => {
  for (const cause of CERTIFICATE_FAILURE_CAUSES) {
    it(`${cause} -> ${CERTIFICATE_CAUSE_TABLE[cause].code}`, () => {
      const { findings } = run([...failure(T0, 'ike-1', cause), ...failure(T0 + 15_000, 'ike-2', cause)]);
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding).toMatchObject({ code: CERTIFICATE_CAUSE_TABLE[cause].code, tunnel: 'branch-cert', peer: PEER, facts: { cause } });
      // Both attempts, each reported twice (log event and lifecycle outcome): one finding, two occurrences, all four cited.
      expect(finding!.evidence.occurrences).toBe(2);
      expect(finding!.evidence.events.map((e) => e.eventId)).toEqual([2, 3, 5, 6]);
      expect(finding!.fixSteps.length).toBeGreaterThan(0);
    });
  }
});

describe('expiry and the clock (13.6.2)', () => {
  it('not yet valid by a whole-hour offset: the time-zone hint shows the gateway clock, zone and certificate times', () => {
    const notBefore = T0 + 3_600_000 + 20_000;
    const { findings } = run(
      failure(T0, 'ike-1', 'not_yet_valid', {
        subject: 'C=SE, O=Tunnelscope Lab, CN=branch-gw',
        gatewayClockUtc: new Date(T0).toISOString(),
        notBeforeUtc: new Date(notBefore).toISOString(),
        notAfterUtc: new Date(notBefore + 365 * 86_400_000).toISOString(),
      }),
    );
    const [finding] = findings;
    expect(finding).toMatchObject({ code: 'certificate_not_yet_valid', facts: { timeZoneOffsetHours: 1, timeZone: 'Europe/Stockholm', gatewayClockUtc: '2026-06-01 10:00:00 UTC', gatewayClockLocal: '2026-06-01 12:00:00 Europe/Stockholm' } });
    expect(finding!.explanation).toMatch(/1 h ahead of the gateway clock: a whole time-zone offset/);
    expect(finding!.explanation).toMatch(/gateway clock 2026-06-01 10:00:00 UTC \(2026-06-01 12:00:00 Europe\/Stockholm, configured zone Europe\/Stockholm\); valid from 2026-06-01 11:00:20 UTC/);
    expect(finding!.confidence.reasoning.join(' ')).toMatch(/a time-zone offset/);
  });

  it('not yet valid by 37 minutes: a clock set wrong, no time-zone hint', () => {
    const { findings } = run(failure(T0, 'ike-1', 'not_yet_valid', { gatewayClockUtc: new Date(T0).toISOString(), notBeforeUtc: new Date(T0 + 37 * 60_000).toISOString() }));
    expect(findings[0]!.facts.timeZoneOffsetHours).toBeNull();
    expect(findings[0]!.explanation).not.toMatch(/time-zone offset/);
    expect(findings[0]!.confidence.reasoning.join(' ')).toMatch(/not a whole-hour offset/);
  });

  it('expired: how long ago, side by side with the gateway clock', () => {
    const { findings } = run(failure(T0, 'ike-1', 'expired', { subject: 'CN=old', gatewayClockUtc: new Date(T0).toISOString(), notAfterUtc: new Date(T0 - 3 * 86_400_000).toISOString() }));
    expect(findings[0]).toMatchObject({ code: 'certificate_expired', side: 'remote' });
    expect(findings[0]!.explanation).toMatch(/"CN=old" has expired 3 days ago/);
  });
});

describe('CRL and DNS causes cite the fetch and offer the seed\'s fix', () => {
  it('CRL server unreachable: cites cert.crl.fetch, fix disables CRL checking with a diff', () => {
    const url = 'http://ca.lab.tunnelscope.test:18080/lab-ca.crl';
    const events: TunnelscopeEvent[] = [
      { type: 'cert.crl.fetch', time: T0 - 10, url, issuer: 'CN=Lab CA', ok: false, state: 'unreachable', error: 'connect ECONNREFUSED 127.0.1.40:18080', dnsServers: ['127.0.1.53:10053'], resolvedAddress: '127.0.1.40' },
      ...failure(T0, 'ike-1', 'crl_unreachable', { crlUrl: url, dnsServers: ['127.0.1.53:10053'], error: 'connect ECONNREFUSED 127.0.1.40:18080' }),
    ];
    const { findings, input } = run(events);
    const [finding] = findings;
    expect(finding).toMatchObject({ code: 'crl_unreachable', side: 'local', facts: { crlUrl: url, crlHost: 'ca.lab.tunnelscope.test' } });
    expect(finding!.evidence.events.map((e) => e.type)).toContain('cert.crl.fetch');
    expect(finding!.explanation).toMatch(/ECONNREFUSED/);
    const fix = proposeFix(finding!, input.config);
    expect(fix.ok).toBe(true);
    if (fix.ok) {
      expect(fix.newConfig.tunnels[0]!.crlChecking).toBe(false);
      expect(fix.diff.text).toMatch(/-\s+"crlChecking": true,\n\+\s+"crlChecking": false,/);
    }
  });

  it('no DNS servers: says to add a DNS server, names the CRL host', () => {
    const url = 'http://ca.lab.tunnelscope.test:18080/lab-ca.crl';
    const events: TunnelscopeEvent[] = [
      { type: 'cert.crl.fetch', time: T0 - 10, url, issuer: 'CN=Lab CA', ok: false, state: 'no_dns_servers', error: 'no DNS servers configured', dnsServers: [] },
      ...failure(T0, 'ike-1', 'no_dns_servers', { crlUrl: url, dnsServers: [] }),
    ];
    const { findings } = run(events, certConfig({ dnsServers: [] }));
    expect(findings[0]).toMatchObject({ code: 'no_dns_servers', evidence: { configPaths: ['dnsServers'] } });
    expect(findings[0]!.fixSteps[0]).toMatch(/Add a DNS server that resolves ca\.lab\.tunnelscope\.test/);
    expect(findings[0]!.explanation).toMatch(/no DNS client configured/);
  });

  it('CRL DNS failure: names the servers asked', () => {
    const url = 'http://ca.lab.tunnelscope.test/lab.crl';
    const events = failure(T0, 'ike-1', 'crl_dns_failure', { crlUrl: url, dnsServers: ['127.0.1.53:10053'], error: 'queryA ENOTFOUND ca.lab.tunnelscope.test' });
    const { findings } = run(events);
    expect(findings[0]!.explanation).toMatch(/DNS servers: 127\.0\.1\.53:10053; queryA ENOTFOUND/);
  });
});

describe('the certificate directory and the cache', () => {
  it('.cer/.key name mismatch from cert.store.problem, attributed to the tunnel using it', () => {
    const events: TunnelscopeEvent[] = [
      { type: 'cert.store.problem', time: T0 - 1000, name: 'hq-gw.cer', code: 'name_mismatch', message: 'hq-gw.cer has no hq-gw.key (found hq_gw.key)' },
      ...failure(T0, 'ike-1', 'local_certificate', { certificate: 'hq-gw' }, 'No public key found: our certificate for "branch-cert" cannot be used (hq-gw has no key)'),
    ];
    const { findings } = run(events);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'certificate_name_mismatch', tunnel: 'branch-cert', side: 'local', facts: { certificate: 'hq-gw', problems: ['name_mismatch'] } });
    expect(findings[0]!.explanation).toMatch(/found hq_gw\.key/);
    expect(findings[0]!.evidence.events.map((e) => e.eventId)).toEqual([1, 3, 4]);
  });

  it('stale cache confirmed: after ike -certflush the refetched CRL differs from the cached one', () => {
    const url = 'http://ca.lab.tunnelscope.test/lab.crl';
    const events: TunnelscopeEvent[] = [
      { type: 'cert.crl.fetch', time: T0, url, issuer: 'CN=Lab CA', ok: true, state: 'valid', dnsServers: ['127.0.1.53:10053'], revokedCount: 0, nextUpdate: T0 + 7 * 86_400_000 },
      { type: 'ike.sa.up', time: T0 + 10, ikeSaId: 'ike-1', tunnel: 'branch-cert', role: 'responder', local: { address: '127.0.1.1', port: 10500 }, remote: { address: PEER, port: 10500 } },
      { type: 'cert.cache.changed', time: T0 + 60_000, reason: 'flushed', certificates: 0, crls: 0 },
      { type: 'cert.crl.fetch', time: T0 + 70_000, url, issuer: 'CN=Lab CA', ok: true, state: 'valid', dnsServers: ['127.0.1.53:10053'], revokedCount: 1, nextUpdate: T0 + 8 * 86_400_000 },
      ...failure(T0 + 70_010, 'ike-2', 'revoked', { crlUrl: url, subject: 'CN=branch', reason: 'keyCompromise' }),
    ];
    const { findings } = run(events);
    expect(findings.map((f) => f.code)).toEqual(['certificate_revoked', 'certificate_cache_stale']);
    expect(findings[1]).toMatchObject({ severity: 'info', facts: { revokedBefore: 0, revokedAfter: 1 } });
    expect(findings[1]!.explanation).toMatch(/ike -certflush emptied the cache .* now decides "revoked"/);
  });

  it('stale cache suspected: failures keep being decided from a cached CRL that lists the certificate on hold', () => {
    const url = 'http://ca.lab.tunnelscope.test/lab.crl';
    const events: TunnelscopeEvent[] = [
      { type: 'cert.crl.fetch', time: T0, url, issuer: 'CN=Lab CA', ok: true, state: 'valid', dnsServers: ['127.0.1.53:10053'], revokedCount: 1 },
      ...failure(T0 + 10, 'ike-1', 'revoked', { crlUrl: url, reason: 'certificateHold' }),
      ...failure(T0 + 15_010, 'ike-2', 'revoked', { crlUrl: url, reason: 'certificateHold' }),
      ...failure(T0 + 30_010, 'ike-3', 'revoked', { crlUrl: url, reason: 'certificateHold' }),
    ];
    const { findings } = run(events);
    expect(findings[0]).toMatchObject({ code: 'certificate_cache_stale', facts: { attemptsFromCache: 3 } });
    expect(findings[0]!.fixSteps[0]).toMatch(/ike -certflush/);
    // The failures are explained by the cache: no second, generic "revoked" finding.
    expect(findings.map((f) => f.code)).toEqual(['certificate_cache_stale']);
  });

  it('a revoked certificate that is not on hold is not called a stale cache', () => {
    const url = 'http://ca.lab.tunnelscope.test/lab.crl';
    const events: TunnelscopeEvent[] = [
      { type: 'cert.crl.fetch', time: T0, url, issuer: 'CN=Lab CA', ok: true, state: 'valid', dnsServers: [], revokedCount: 1 },
      ...failure(T0 + 10, 'ike-1', 'revoked', { crlUrl: url, reason: 'keyCompromise' }),
      ...failure(T0 + 15_010, 'ike-2', 'revoked', { crlUrl: url, reason: 'keyCompromise' }),
    ];
    expect(run(events).findings.map((f) => f.code)).toEqual(['certificate_revoked']);
  });
});
