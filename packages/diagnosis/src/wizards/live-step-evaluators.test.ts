/**
 * The wizard steps that read the running gateway: the 13.6.1 ICMP step on
 * the step's own ping, a trace, the drops or the rule set; the 13.6.2
 * certificate checklist on the cache and store; the flush; the 13.6.5
 * management route on a trace and the flows.
 */
import { describe, expect, it } from 'vitest';
import type { CertificateCacheView, CertificateStoreView, CertificateSummary, FlowPage, GatewayConfig, PingResult, TraceResult } from '@tunnelscope/api';
import type { DiagnosisEvent } from '../model/diagnosis-input.ts';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';
import { evaluateWizardStep } from './run-wizard.ts';
import type { StepContext, WizardLiveInputs } from './wizard-types.ts';

const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);

function config(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const psk = makeTunnel({ name: 'vpn_tunnel', localEndpoint: '127.0.1.1', remoteEndpoint: '127.0.1.10', localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.20.10.0/24'] });
  const cert = makeTunnel({ name: 'branch-cert', localEndpoint: '127.0.1.1', remoteEndpoint: '127.0.1.30', localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.20.30.0/24'], auth: { method: 'certificate', certificate: 'hq-gw', rootCertificates: ['lab-ca'] }, crlChecking: true });
  return {
    ...makeConfig([psk, cert]),
    timeZone: 'Europe/Stockholm',
    interfaces: [
      { name: 'ext', addresses: ['127.0.1.1/24'], description: '' },
      { name: 'core', addresses: [], description: '' },
      { name: 'int', addresses: ['192.168.10.1/24'], description: '' },
      { name: 'mgm', addresses: ['10.255.0.1/24'], description: '' },
    ],
    ipRules: [{ name: 'drop-rest', action: 'Drop', sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'all_services' }],
    hosts: [{ name: 'mgmt-station', interface: 'mgm', address: '10.255.0.10', services: ['icmp'] }],
    ...overrides,
  };
}

function context(tunnel: string, cfg: GatewayConfig, events: DiagnosisEvent[] = [], live?: WizardLiveInputs): StepContext {
  return { config: cfg, tunnel, stepStartedAt: T0, events, now: T0 + 60_000, ...(live ? { live } : {}) };
}

function ping(received: number, error?: string): PingResult {
  return {
    source: '10.20.10.20',
    destination: '192.168.10.1',
    sent: 4,
    received,
    replies: Array.from({ length: 4 }, (_, i) => (i < received ? { sequence: i, ok: true, rttMs: 1.2 } : { sequence: i, ok: false, ...(error ? { error } : {}) })),
    text: `...\n4 packets transmitted, ${received} received`,
  };
}

describe('13.6.1 ICMP step (general-checks/icmp-rule)', () => {
  it('the step\'s ping is answered: verified by the ping, citing the rule that lets it through', () => {
    const cfg = config({ ipRules: [{ name: 'ping-through-vpn_tunnel', action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' }, ...config().ipRules] });
    const verdict = evaluateWizardStep('general-checks', 'icmp-rule', context('vpn_tunnel', cfg, [], { pings: [{ at: T0 + 5, tunnel: 'vpn_tunnel', result: ping(4) }] }));
    expect(verdict).toMatchObject({ status: 'verified-ok', configPaths: ['ipRules[0]'], next: { step: 'initiate-local' } });
    expect(verdict.message).toMatch(/4\/4 answered/);
  });

  it('the step\'s ping is dropped by drop-rest: problem, with the drops\' finding and its rule patch', () => {
    const drop: DiagnosisEvent = {
      id: 7,
      event: { type: 'dataplane.packet.dropped', time: T0 + 10, code: 'rule_drop', message: 'dropped by rule "drop-rest"', rule: 'drop-rest', sourceInterface: 'vpn_tunnel', destinationInterface: 'core', protocol: 'ICMP', source: '10.20.10.20', destination: '192.168.10.1', tunnel: 'vpn_tunnel' },
    };
    const verdict = evaluateWizardStep('general-checks', 'icmp-rule', context('vpn_tunnel', config(), [drop], { pings: [{ at: T0 + 5, tunnel: 'vpn_tunnel', result: ping(0, 'dropped by rule "drop-rest"') }] }));
    expect(verdict.status).toBe('problem-found');
    expect(verdict.citing).toEqual([7]);
    expect(verdict.findings[0]).toMatchObject({ code: 'icmp_rule_missing' });
    expect(verdict.findings[0]!.fixes[0]!.actions[0]).toMatchObject({ kind: 'add-ip-rule', position: 0, before: 'drop-rest' });
    expect(verdict.message).toMatch(/no answer \(dropped by rule "drop-rest"\)/);
  });

  it('a ping before the step began does not count; a trace decides instead', () => {
    const trace: TraceResult = { verdict: 'drop', rule: 'drop-rest', dropReason: 'rule_drop', steps: [], text: 'drop: rule "drop-rest"' };
    const seen: unknown[] = [];
    const verdict = evaluateWizardStep(
      'general-checks',
      'icmp-rule',
      context('vpn_tunnel', config(), [], {
        pings: [{ at: T0 - 1, tunnel: 'vpn_tunnel', result: ping(4) }],
        dataPlane: { trace: (request) => (seen.push(request), trace), listFlows: () => ({ time: T0, total: 0, offset: 0, flows: [] }) },
      }),
    );
    expect(seen).toEqual([{ sourceInterface: 'vpn_tunnel', protocol: 'icmp', source: '10.20.10.1', destination: '192.168.10.1' }]);
    expect(verdict.status).toBe('problem-found');
    expect(verdict.message).toMatch(/would be dropped \(rule_drop, rule "drop-rest"\)/);
  });

  it('nothing live: the rule set decides (first match), never an OK without a rule to show', () => {
    expect(evaluateWizardStep('general-checks', 'icmp-rule', context('vpn_tunnel', config())).status).toBe('problem-found');
    const allowed = config({ ipRules: [{ name: '', action: 'Allow', sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'icmp' }, ...config().ipRules] });
    expect(evaluateWizardStep('general-checks', 'icmp-rule', context('vpn_tunnel', allowed))).toMatchObject({ status: 'verified-ok', configPaths: ['ipRules[0]'] });
  });
});

function summary(overrides: Partial<CertificateSummary>): CertificateSummary {
  return { id: 'ab', subject: 'CN=x', issuer: 'CN=Lab CA', serialNumber: '01', validFrom: T0 - 86_400_000, validTo: T0 + 365 * 86_400_000, status: 'Valid', isCa: false, keyType: 'ECDSA P-256', source: 'peer', ...overrides };
}

function certificates(cache: Partial<CertificateCacheView>, store: Partial<CertificateStoreView> = {}): WizardLiveInputs['certificates'] {
  return {
    cache: () => ({ time: T0 + 30_000, timeZone: 'Europe/Stockholm', certificates: [], crls: [], text: '', ...cache }),
    store: () => ({ directory: '/lab/hq', local: [{ name: 'hq-gw', certificate: summary({ subject: 'CN=hq', source: 'local' }), hasKey: true, keyMatches: true, problems: [], usedBy: ['branch-cert'] }], authorities: [], ...store }),
  };
}

describe('13.6.2 certificate checklist (certificates wizard)', () => {
  it('without the certificate subsystem: not verified', () => {
    expect(evaluateWizardStep('certificates', 'expiry', context('branch-cert', config())).status).toBe('not-verified');
  });

  it('.cer/.key: a key under another name is a problem, the same name is OK', () => {
    const bad = certificates({}, { local: [{ name: 'hq-gw', certificate: summary({ source: 'local' }), hasKey: false, problems: ['hq-gw.cer has no hq-gw.key (found hq_gw.key)'], usedBy: ['branch-cert'] }] });
    const verdict = evaluateWizardStep('certificates', 'file-names', context('branch-cert', config(), [], { certificates: bad }));
    expect(verdict).toMatchObject({ status: 'problem-found', configPaths: ['tunnels[1].auth.certificate'] });
    expect(verdict.message).toMatch(/found hq_gw\.key/);
    expect(evaluateWizardStep('certificates', 'file-names', context('branch-cert', config(), [], { certificates: certificates({}) })).status).toBe('verified-ok');
  });

  it('clock: a peer certificate starting one whole hour ahead is shown as a time-zone offset', () => {
    const early = certificates({ certificates: [summary({ subject: 'CN=branch', receivedFrom: '127.0.1.30', validFrom: T0 + 30_000 + 3_600_000, status: 'Not yet valid' })] });
    const verdict = evaluateWizardStep('certificates', 'clock', context('branch-cert', config(), [], { certificates: early }));
    expect(verdict.status).toBe('problem-found');
    expect(verdict.message).toMatch(/gateway clock 2026-06-01 10:00:30 UTC = 2026-06-01 12:00:30 Europe\/Stockholm/);
    expect(verdict.message).toMatch(/1 whole hour\(s\): a time-zone offset/);
  });

  it('CRL: an unreachable CRL is a problem; CRL checking off means CA access cannot be the problem', () => {
    const down = certificates({ crls: [{ issuer: 'CN=Lab CA', url: 'http://ca.lab.tunnelscope.test/lab.crl', state: 'unreachable', lastError: 'ECONNREFUSED' }] });
    expect(evaluateWizardStep('certificates', 'crl', context('branch-cert', config(), [], { certificates: down })).message).toMatch(/unreachable \(ECONNREFUSED\)/);
    const off = config();
    off.tunnels[1] = { ...off.tunnels[1]!, crlChecking: false };
    expect(evaluateWizardStep('certificates', 'crl', context('branch-cert', off, [], { certificates: down }))).toMatchObject({ status: 'verified-ok', configPaths: ['tunnels[1].crlChecking'] });
  });

  it('flush: the flush alone is not verified; flush, refetch and the tunnel up is', () => {
    const flushed: DiagnosisEvent = { id: 3, event: { type: 'cert.cache.changed', time: T0 + 10, reason: 'flushed', certificates: 0, crls: 0 } };
    expect(evaluateWizardStep('certificates', 'flush', context('branch-cert', config(), [flushed])).status).toBe('not-verified');
    const fetched: DiagnosisEvent = { id: 4, event: { type: 'cert.crl.fetch', time: T0 + 20, url: 'http://ca/lab.crl', issuer: 'CN=Lab CA', ok: true, state: 'valid', dnsServers: [] } };
    const up: DiagnosisEvent = { id: 5, event: { type: 'ike.sa.up', time: T0 + 30, ikeSaId: 'ike-4', tunnel: 'branch-cert', role: 'responder', local: { address: '127.0.1.1', port: 10500 }, remote: { address: '127.0.1.30', port: 10500 } } };
    expect(evaluateWizardStep('certificates', 'flush', context('branch-cert', config(), [flushed, fetched, up]))).toMatchObject({ status: 'verified-ok', citing: [3, 4, 5] });
  });
});

describe('13.6.5 management route wizard', () => {
  const withAllNets = (): GatewayConfig => {
    const cfg = config();
    return { ...cfg, routes: [{ network: 'all-nets-ip4', interface: 'vpn_tunnel', gateway: '', metric: 0 }] };
  };

  it('routes: the all-nets route into the tunnel without a management route is a problem; with one it is OK', () => {
    expect(evaluateWizardStep('management-route', 'routes', context('vpn_tunnel', withAllNets()))).toMatchObject({ status: 'problem-found', configPaths: ['routes[0]', 'routes'] });
    const fixed = withAllNets();
    fixed.routes.push({ network: '10.255.0.0/24', interface: 'mgm', gateway: '', metric: 0 });
    expect(evaluateWizardStep('management-route', 'routes', context('vpn_tunnel', fixed)).status).toBe('verified-ok');
  });

  it('trace: a reply to the management station leaving through the tunnel is the failure of 13.6.5', () => {
    const intoTunnel: TraceResult = { verdict: 'forward', destinationInterface: 'vpn_tunnel', route: { network: '0.0.0.0/0', interface: 'vpn_tunnel', gateway: '', metric: 0 }, steps: [], text: '' };
    const empty: FlowPage = { time: T0, total: 0, offset: 0, flows: [] };
    const verdict = evaluateWizardStep('management-route', 'trace', context('vpn_tunnel', withAllNets(), [], { dataPlane: { trace: () => intoTunnel, listFlows: () => empty } }));
    expect(verdict.status).toBe('problem-found');
    expect(verdict.message).toMatch(/a reply to 10\.255\.0\.10 leaves through the tunnel "vpn_tunnel" \(route 0\.0\.0\.0\/0 via vpn_tunnel\)/);
    const outMgm: TraceResult = { ...intoTunnel, destinationInterface: 'mgm', route: { network: '10.255.0.0/24', interface: 'mgm', gateway: '', metric: 0 } };
    expect(evaluateWizardStep('management-route', 'trace', context('vpn_tunnel', withAllNets(), [], { dataPlane: { trace: () => outMgm, listFlows: () => empty } })).status).toBe('verified-ok');
  });
});
