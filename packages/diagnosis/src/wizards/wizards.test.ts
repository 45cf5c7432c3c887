/** The wizards as data, and their evaluators on real engine events: no evidence after a step began is never OK. */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '@tunnelscope/api';
import { FINDING_CODES } from '../model/finding.ts';
import type { DiagnosisEvent } from '../model/diagnosis-input.ts';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';
import { PEER, US, mirrorTunnel, ourTunnel, runPair } from '../__tests__/pair-run.ts';
import { evaluateWizardStep, instantiateWizard } from './run-wizard.ts';
import { WIZARD_FOR_FINDING } from './step-evaluators.ts';
import { WIZARDS, wizardById } from './wizard-table.ts';

describe('wizard definitions', () => {
  it('one wizard per seed section, step ids unique, every next step exists', () => {
    expect(WIZARDS.map((w) => w.seedSection)).toEqual(['13.6.1', '13.6.2', '13.6.4', '13.6.5', '13.6.6 #1', '13.6.6 #2', '13.6.6 #3', '13.6.6 #4', '13.6.6 #5', '13.6.7']);
    for (const wizard of WIZARDS) {
      const ids = wizard.steps.map((s) => s.id);
      expect(new Set(ids).size, wizard.id).toBe(ids.length);
      for (const step of wizard.steps) if (step.nextOnOk !== null) expect(ids, `${wizard.id}/${step.id}`).toContain(step.nextOnOk);
    }
    for (const code of FINDING_CODES) expect(wizardById(WIZARD_FOR_FINDING[code]), code).toBeDefined();
  });

  it('instantiates steps for a tunnel: actions name the tunnel and peer, instructions are filled in', () => {
    const config = makeConfig([ourTunnel()]);
    const steps = instantiateWizard(wizardById('snoop-proposals')!, config, 'hq-branch');
    expect(steps.map((s) => s.action)).toEqual([
      { action: 'snoop', mode: 'full', peer: PEER },
      { action: 'initiate', tunnel: 'hq-branch', from: 'remote' },
      { action: 'compare-proposals', tunnel: 'hq-branch' },
      { action: 'snoop', mode: 'off', peer: PEER },
    ]);
    expect(steps[1]!.instruction).toBe(`Have ${PEER} initiate "hq-branch": its proposal list shows in the snoop output.`);
    for (const wizard of WIZARDS) for (const step of instantiateWizard(wizard, config, 'hq-branch')) expect(step.instruction).not.toMatch(/\{(tunnel|peer)\}/);
  });

  it('every event-driven step with no events after it began says not-verified, never OK', async () => {
    const ours = ourTunnel();
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours)] });
    // Everything happened before the step started.
    const context = { config: input.config, tunnel: 'hq-branch', stepStartedAt: input.now + 1, events: input.events, now: input.now + 1000 };
    for (const wizard of WIZARDS) {
      for (const step of wizard.steps) {
        if (step.action.action === 'check-config' || step.action.action === 'check-rules') continue;
        // Without a ping of its own (and no data plane to trace), the ICMP step reads the rule set; the certificate
        // checks read the tunnel's auth method first: config checks (tested in live-step-evaluators.test.ts).
        if (step.action.action === 'ping' || step.action.action === 'check-certificates') continue;
        const verdict = evaluateWizardStep(wizard.id, step.id, context);
        expect(verdict.status, `${wizard.id}/${step.id}`).toBe('not-verified');
        expect(verdict.citing).toEqual([]);
      }
    }
  });
});

describe('wizard steps on real events', () => {
  it('13.6.1 initiate from local: verified, citing the IKE SA and CHILD_SA up events', async () => {
    const ours = ourTunnel();
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours)] });
    const started = input.events[0]!.event.time;
    const verdict = evaluateWizardStep('general-checks', 'initiate-local', { config: input.config, tunnel: 'hq-branch', stepStartedAt: started, events: input.events, now: input.now });
    expect(verdict).toMatchObject({ status: 'verified-ok', next: { step: 'correct-tunnel' } });
    const cited = verdict.citing.map((id) => input.events.find((e) => e.id === id)!.event.type);
    expect(cited).toEqual(['ike.sa.up', 'child.sa.up']);
  });

  it('13.6.1 correct tunnel: the roaming tunnel caught the peer -> problem, routed to the incorrect-PSK wizard', async () => {
    const ours = ourTunnel();
    const roaming = makeTunnel({ name: 'roaming', localEndpoint: US, remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'], auth: { method: 'psk', psk: { type: 'passphrase', value: 'other' } } });
    const { input } = await runPair({ ours: [roaming, ours], peer: [mirrorTunnel(ours)], initiator: 'peer' });
    const verdict = evaluateWizardStep('general-checks', 'correct-tunnel', { config: input.config, tunnel: 'hq-branch', stepStartedAt: input.events[0]!.event.time, events: input.events, now: input.now });
    expect(verdict).toMatchObject({ status: 'problem-found', next: { wizard: 'error-incorrect-psk' } });
    expect(verdict.findings[0]?.code).toBe('wrong_tunnel_selected');
    expect(verdict.citing.length).toBeGreaterThan(0);
  });

  it('13.6.7: initiation from the remote side refused -> problem with the one-sided finding and its fixes', async () => {
    const ours = ourTunnel({ localNetworks: ['192.168.10.0/24'] });
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { remoteNetworks: ['192.168.0.0/16'] })], initiator: 'peer' });
    const verdict = evaluateWizardStep('one-sided-initiation', 'initiate-remote', { config: input.config, tunnel: 'hq-branch', stepStartedAt: input.events[0]!.event.time, events: input.events, now: input.now });
    expect(verdict.status).toBe('problem-found');
    expect(verdict.findings[0]).toMatchObject({ code: 'one_sided_initiation' });
    expect(verdict.next).toEqual({ wizard: 'one-sided-initiation', reason: expect.any(String) });
  });

  it('13.6.4 compare: the peer\'s offer seen with snoop -full -> problem naming the transform types', async () => {
    const ours = ourTunnel();
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours, { ikeProposals: ['aes256-sha256-modp2048'] })], initiator: 'peer', snoop: 'full' });
    const context = { config: input.config, tunnel: 'hq-branch', stepStartedAt: input.events[0]!.event.time, events: input.events, now: input.now };
    expect(evaluateWizardStep('snoop-proposals', 'snoop-full', context)).toMatchObject({ status: 'verified-ok', next: { step: 'remote-initiates' } });
    const compare = evaluateWizardStep('snoop-proposals', 'compare', context);
    expect(compare).toMatchObject({ status: 'problem-found' });
    expect(compare.findings[0]?.facts.unmatchedTransformTypes).toEqual(['ENCR', 'INTEG', 'DH']);
  });

  it('events before the step began do not count', async () => {
    const ours = ourTunnel();
    const { input } = await runPair({ ours: [ours], peer: [mirrorTunnel(ours)] });
    const verdict = evaluateWizardStep('general-checks', 'initiate-local', { config: input.config, tunnel: 'hq-branch', stepStartedAt: input.now + 1, events: input.events, now: input.now + 60_000 });
    expect(verdict.status).toBe('not-verified');
    expect(verdict.next).toEqual({ step: 'initiate-local' });
  });

  it('counts a CHILD_SA we create with CREATE_CHILD_SA on an IKE SA the peer initiated as ours', async () => {
    const ours = ourTunnel();
    let startedAt = 0;
    const { input } = await runPair({
      ours: [ours],
      peer: [mirrorTunnel(ours)],
      initiator: 'peer',
      then: (lab) => {
        // The step begins now: we add a CHILD_SA to the peer's IKE SA.
        startedAt = lab.now();
        lab.gateway.initiate('hq-branch');
        lab.settle();
      },
    });
    const context = { config: input.config, tunnel: 'hq-branch', stepStartedAt: startedAt, events: input.events, now: input.now };
    const verdict = evaluateWizardStep('general-checks', 'initiate-local', context);
    expect(verdict.status).toBe('verified-ok');
    expect(verdict.message).toMatch(/we were the initiator/);
    // The IKE SA itself was the peer's: it is not what the step cites as ours.
    const cited = input.events.filter((e) => verdict.citing.includes(e.id)).map((e) => e.event.type);
    expect(cited).toContain('child.sa.up');
  });

  it('config steps cite config paths: ICMP rule missing, then present', () => {
    const config: GatewayConfig = makeConfig([ourTunnel()]);
    const context = { config, tunnel: 'hq-branch', stepStartedAt: 0, events: [] as DiagnosisEvent[], now: 1 };
    expect(evaluateWizardStep('general-checks', 'icmp-rule', context)).toMatchObject({ status: 'problem-found', message: expect.stringMatching(/Allow "?hq-branch"? all-nets-ip4 core all-nets-ip4 ICMP/) });
    const withRule = { ...config, ipRules: [{ name: 'ping', action: 'Allow' as const, sourceInterface: 'hq-branch', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' }] };
    expect(evaluateWizardStep('general-checks', 'icmp-rule', { ...context, config: withRule })).toMatchObject({ status: 'verified-ok', configPaths: ['ipRules[0]'], next: { step: 'initiate-local' } });
    // What the peer has cannot be read from our config: never OK.
    expect(evaluateWizardStep('error-incorrect-psk', 'psk-type', context).status).toBe('not-verified');
    expect(evaluateWizardStep('error-invalid-payload-cookie', 'dpd', context).status).toBe('verified-ok');
  });
});
