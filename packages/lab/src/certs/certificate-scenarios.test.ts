/**
 * The certificate scenarios for real: one lab with its CA server (HTTP), DNS
 * server and PKI on loopback, our gateway with a real CertificateService,
 * each scenario's peer a real engine with its own certificate. Each case
 * reads the cause from OUR events and asks diagnosis (given only our config
 * and our events) for the top finding on the scenario's tunnel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, toDiagnosisEvents, type Finding } from '@tunnelscope/diagnosis';
import { LAB_SCENARIOS, type LabScenarioId } from '../index.ts';
import { SCENARIO_DEFINITIONS } from '../scenario-catalogue.ts';
import { CA_HOST_NAME, CRL_PATHS, UNKNOWN_CRL_HOST_NAME } from './certificate-lab.ts';
import { noPublicKeyFound, ofType, startCertificateBench, waitFor, type CertificateBench } from './__tests__/certificate-bench.ts';

const tunnelOf = (id: LabScenarioId) => SCENARIO_DEFINITIONS.find((d) => d.id === id)!.site.tunnel;
const metadataOf = (id: LabScenarioId) => LAB_SCENARIOS.find((s) => s.id === id)!;

/** Diagnosis of our gateway only: our config, our events, our SA tables. */
function diagnosisOf(bench: CertificateBench): Finding[] {
  return diagnose({
    config: bench.config,
    events: toDiagnosisEvents(bench.events),
    saState: { ikeSas: bench.local.listIkeSas(), childSas: bench.local.listChildSas() },
    now: Date.now(),
  });
}

function topFindingFor(findings: readonly Finding[], tunnel: string): Finding | undefined {
  return findings.find((finding) => finding.tunnel === tunnel);
}

/** Starts the scenario, waits for our "No public key found" with `cause`, checks the top finding, stops it. */
async function expectFailure(bench: CertificateBench, id: LabScenarioId, cause: string): Promise<Record<string, unknown>> {
  const tunnel = tunnelOf(id);
  await bench.lab.start(id);
  await waitFor(() => noPublicKeyFound(bench.events, tunnel).length > 0, `no_public_key_found on ${tunnel}`, bench.events);
  await bench.lab.stop(id);
  const failure = noPublicKeyFound(bench.events, tunnel)[0]!;
  expect(failure.evidence).toMatchObject({ cause });
  expect(ofType(bench.events, 'child.sa.up').filter((event) => event.tunnel === tunnel)).toEqual([]);
  const top = topFindingFor(diagnosisOf(bench), tunnel);
  expect(top?.code, `top finding on ${tunnel}`).toBe(metadataOf(id).expectedFinding);
  return failure.evidence as Record<string, unknown>;
}

describe('certificate scenarios (lab with DNS client)', () => {
  let bench: CertificateBench;
  beforeAll(async () => {
    bench = await startCertificateBench();
  }, 30_000);
  afterAll(async () => {
    await bench?.stop();
  });

  it('cert-healthy: CERT both ways, the CRL fetched by host name through the lab DNS, tunnel up, no finding', async () => {
    const tunnel = tunnelOf('cert-healthy');
    await bench.lab.start('cert-healthy');
    await waitFor(() => ofType(bench.events, 'child.sa.up').some((event) => event.tunnel === tunnel), `child.sa.up on ${tunnel}`, bench.events);
    const fetch = ofType(bench.events, 'cert.crl.fetch').find((event) => event.url.includes(CRL_PATHS.main))!;
    expect(fetch).toMatchObject({ ok: true, state: 'valid', resolvedAddress: '127.0.4.80' });
    expect(new URL(fetch.url).hostname).toBe(CA_HOST_NAME);
    expect(fetch.dnsServers).toEqual([expect.stringMatching(/^127\.0\.4\.53:\d+$/)]);
    expect(noPublicKeyFound(bench.events, tunnel)).toEqual([]);
    const findings = diagnosisOf(bench).filter((finding) => finding.tunnel === tunnel && finding.severity !== 'info');
    expect(findings.map((finding) => finding.code)).toEqual([]);
    await bench.lab.stop('cert-healthy');
  });

  it('cert-expired: cause expired, finding certificate_expired', async () => {
    const evidence = await expectFailure(bench, 'cert-expired', 'expired');
    expect(Date.parse(String(evidence['notAfterUtc']))).toBeLessThan(Date.parse(String(evidence['gatewayClockUtc'])));
  });

  it('cert-not-yet-valid-time-zone: notBefore one whole hour ahead, named as a time-zone error', async () => {
    const evidence = await expectFailure(bench, 'cert-not-yet-valid-time-zone', 'not_yet_valid');
    expect(evidence).toMatchObject({ likelyTimeZoneError: true, suspectedOffsetHours: 1 });
  });

  it('cert-other-ca: cause other_ca, finding certificate_other_ca', async () => {
    const evidence = await expectFailure(bench, 'cert-other-ca', 'other_ca');
    expect(evidence['issuer']).toBe('C=SE, O=Branch Office IT, CN=Branch Office CA');
  });

  it('cert-crl-unreachable: the CA server\'s port is closed, finding crl_unreachable', async () => {
    await expectFailure(bench, 'cert-crl-unreachable', 'crl_unreachable');
    const fetch = ofType(bench.events, 'cert.crl.fetch').find((event) => !event.ok && event.state === 'unreachable')!;
    expect(fetch.resolvedAddress).toBe('127.0.4.80');
    expect(fetch.url).not.toContain(`:${bench.lab.demoConfig().dnsServers![0]!.split(':')[1]}`);
  });

  it('cert-crl-dns-failure: the lab DNS does not know the CRL host, finding crl_dns_failure', async () => {
    await expectFailure(bench, 'cert-crl-dns-failure', 'crl_dns_failure');
    const fetch = ofType(bench.events, 'cert.crl.fetch').find((event) => event.state === 'dns_failure')!;
    expect(new URL(fetch.url).hostname).toBe(UNKNOWN_CRL_HOST_NAME);
  });

  it('cert-revoked: listed in the CA\'s CRL, finding certificate_revoked', async () => {
    const evidence = await expectFailure(bench, 'cert-revoked', 'revoked');
    expect(evidence['reason']).toBe('keyCompromise');
  });

  it('cert-key-name-mismatch: name.cer + other-name.key reported at load, finding certificate_name_mismatch', async () => {
    const problems = ofType(bench.events, 'cert.store.problem').filter((event) => event.code === 'name_mismatch');
    expect(problems.map((event) => event.message).join(' ')).toMatch(/hq-nykoping.*hq_nykoping|hq_nykoping.*hq-nykoping/);
    await expectFailure(bench, 'cert-key-name-mismatch', 'local_certificate');
  });

  it('cert-stale-crl-cache: failing from the cached CRL until ike -certflush, then up', async () => {
    const tunnel = tunnelOf('cert-stale-crl-cache');
    await bench.lab.start('cert-stale-crl-cache');
    await waitFor(() => noPublicKeyFound(bench.events, tunnel).length >= 2, `two no_public_key_found on ${tunnel}`, bench.events);
    expect(noPublicKeyFound(bench.events, tunnel).map((event) => event.evidence['cause'])).toEqual(['revoked', 'revoked']);
    // The CA lifted the hold right after the first fetch; the second failure was decided from the cache.
    const holdFetches = () => ofType(bench.events, 'cert.crl.fetch').filter((event) => event.url.endsWith(CRL_PATHS.hold));
    expect(holdFetches()).toHaveLength(1);
    expect(holdFetches()[0]).toMatchObject({ ok: true, revokedCount: 1 });
    expect(topFindingFor(diagnosisOf(bench), tunnel)?.code).toBe('certificate_cache_stale');
    expect(bench.local.certificates!.flush().flushedCrls).toBeGreaterThanOrEqual(1);
    await waitFor(() => ofType(bench.events, 'child.sa.up').some((event) => event.tunnel === tunnel), `child.sa.up on ${tunnel} after the flush`, bench.events);
    expect(holdFetches().at(-1)).toMatchObject({ ok: true, revokedCount: 0 });
    await bench.lab.stop('cert-stale-crl-cache');
  });

  it('refuses the no-DNS-client scenario in a lab with a DNS client, by name', async () => {
    await expect(bench.lab.start('cert-no-dns-client')).rejects.toThrow(/cert-no-dns-client needs a gateway without DNS servers/);
  });
});

describe('certificate scenarios (lab without DNS client)', () => {
  it('cert-no-dns-client: the CRL host cannot be resolved without DNS servers, finding no_dns_servers', async () => {
    const bench = await startCertificateBench({ certificates: { dnsClient: false } });
    try {
      expect(bench.config.dnsServers).toEqual([]);
      await expect(bench.lab.start('cert-healthy')).rejects.toThrow(/resolves its CRL host with our DNS client/);
      await expectFailure(bench, 'cert-no-dns-client', 'no_dns_servers');
    } finally {
      await bench.stop();
    }
  }, 30_000);
});

describe('without prepare()', () => {
  it('a certificate scenario is refused by name', async () => {
    const { createLab } = await import('../index.ts');
    const lab = createLab({ localAddress: '127.0.4.1' });
    await expect(lab.start('cert-revoked')).rejects.toThrow(/cert-revoked needs the lab's certificate infrastructure: await lab.prepare\(\)/);
    expect(lab.demoConfig().engine?.certificateDirectory).toBeUndefined();
  });
});
