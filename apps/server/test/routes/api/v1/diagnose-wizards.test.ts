/**
 * Wizard runs on real negotiations: steps judged only by what was stored
 * after they began, the remote side's initiation done by the lab peer when
 * there is one (and asked of the operator when not), step status changes
 * on the `diagnose` stream topic, and runs pre-filled from a finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamClientHandle } from '../../../support/harness.ts';
import { eventually, startLabServer, type LabServer } from './lab-server.ts';

interface StepJson {
  id: string;
  action: Record<string, unknown>;
  status: string;
  citing: number[];
  configPaths: string[];
  message: string;
  startedAt: number | null;
  performed: { done: boolean; message: string } | null;
  next: unknown;
}

describe('wizard runs (real engine and lab, loopback UDP)', () => {
  let s: LabServer;
  let stream: StreamClientHandle;

  beforeAll(async () => {
    s = await startLabServer('127.0.4.1', 23_000);
    stream = await s.t.connect({ token: s.t.tokens.viewer });
    stream.send({ type: 'subscribe', id: 'diagnose', topic: 'diagnose' });
    await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'diagnose');
  });
  afterAll(async () => {
    await stream?.close();
    await s?.close();
  });

  const step = (run: { steps: StepJson[] }, id: string): StepJson => run.steps.find((x) => x.id === id)!;

  it('a step with no new evidence is not-verified; the operator is asked when no lab peer can initiate', async () => {
    const { t } = s;
    // branch-kalmar points at an address where nothing listens.
    const created = await t.request('POST', '/api/v1/diagnose/wizards/general-checks/runs', { token: t.tokens.operator, body: { tunnel: 'branch-kalmar' } });
    expect(created.status).toBe(201);
    const run = created.json;
    expect(run).toMatchObject({ wizardId: 'general-checks', seedSection: '13.6.1', tunnel: 'branch-kalmar', peer: '127.0.4.22', findingId: null });
    expect(run.steps.every((x: StepJson) => x.status === 'not-started' && x.startedAt === null)).toBe(true);
    expect(step(run, 'correct-tunnel').action).toEqual({ action: 'initiate', tunnel: 'branch-kalmar', from: 'remote' });

    expect((await t.request('POST', `/api/v1/diagnose/wizards/runs/${run.id}/steps/correct-tunnel/start`, { token: t.tokens.viewer })).status).toBe(403);
    const started = await t.request('POST', `/api/v1/diagnose/wizards/runs/${run.id}/steps/correct-tunnel/start`, { token: t.tokens.operator });
    expect(started.status).toBe(200);
    const remote = step(started.json, 'correct-tunnel');
    expect(remote.performed).toEqual({ done: false, message: expect.stringMatching(/nothing listens at 127\.0\.4\.22.*Initiate "branch-kalmar" from the remote side/) });
    expect(remote).toMatchObject({ status: 'not-verified', citing: [], next: { step: 'correct-tunnel' } });

    // A config step needs no events: its evidence is config paths (the demo's ICMP rule is for vpn_tunnel only).
    const icmp = step((await t.request('POST', `/api/v1/diagnose/wizards/runs/${run.id}/steps/icmp-rule/start`, { token: t.tokens.operator })).json, 'icmp-rule');
    expect(icmp).toMatchObject({ status: 'problem-found', configPaths: ['ipRules'], citing: [] });

    await new Promise((r) => setTimeout(r, 500));
    const read = (await t.request('GET', `/api/v1/diagnose/wizards/runs/${run.id}`, { token: t.tokens.viewer })).json;
    expect(step(read, 'correct-tunnel').status).toBe('not-verified');
    expect(step(read, 'addresses').status).toBe('not-started');
    expect((await t.request('POST', `/api/v1/diagnose/wizards/runs/${run.id}/steps/nope/start`, { token: t.tokens.operator })).status).toBe(404);
    const audit = (await t.request('GET', '/api/v1/audit?action=diagnose.wizard.step', { token: t.tokens.admin })).json.items;
    expect(audit[0]).toMatchObject({ target: `wizard_run:${run.id}`, detail: { stepId: 'icmp-rule', action: 'ping' } });
  });

  it('"initiate from the remote side" through the lab peer: verified from the events after the step began, streamed', async () => {
    const { t } = s;
    const run = (await t.request('POST', '/api/v1/diagnose/wizards/one-sided-initiation/runs', { token: t.tokens.operator, body: { tunnel: 'vpn_tunnel' } })).json;
    const lastBefore = (await t.request('GET', '/api/v1/events?limit=1', { token: t.tokens.viewer })).json.items[0]?.id ?? 0;
    const started = await t.request('POST', `/api/v1/diagnose/wizards/runs/${run.id}/steps/initiate-remote/start`, { token: t.tokens.operator });
    expect(step(started.json, 'initiate-remote').performed).toMatchObject({ done: true, message: expect.stringMatching(/healthy-psk started/) });

    // Pushed as the evidence arrives, without anyone reading the run.
    const frame = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'diagnose.wizard.step' && f.data.event.runId === run.id && f.data.event.status === 'verified-ok', 15_000);
    expect(frame.data).toMatchObject({ topic: 'diagnose', tunnel: 'vpn_tunnel', event: { wizardId: 'one-sided-initiation', stepId: 'initiate-remote' } });
    expect(stream.frames.some((f) => f.type === 'event' && f.data.event?.runId === run.id && f.data.event.status === 'not-verified')).toBe(true);

    const read = (await t.request('GET', `/api/v1/diagnose/wizards/runs/${run.id}`, { token: t.tokens.viewer })).json;
    const verified = step(read, 'initiate-remote');
    expect(verified).toMatchObject({ status: 'verified-ok', next: { step: 'lifetimes' } });
    expect(verified.citing.length).toBeGreaterThan(0);
    const events = (await t.request('GET', '/api/v1/events?limit=1000', { token: t.tokens.viewer })).json.items as Array<{ id: number; type: string }>;
    for (const id of verified.citing) {
      expect(id).toBeGreaterThan(lastBefore);
      expect(events.some((e) => e.id === id)).toBe(true);
    }
    expect(verified.citing.map((id) => events.find((e) => e.id === id)!.type)).toContain('child.sa.up');
  });

  it('pre-fills a run from a finding; the remote side\'s initiation shows the problem', async () => {
    const { t } = s;
    expect((await t.request('POST', '/api/v1/lab/scenarios/network-size-mismatch/start', { token: t.tokens.operator })).status).toBe(200);
    const finding = await eventually('a finding about branch-linkoping', async () => {
      const items = (await t.request('GET', '/api/v1/diagnose/findings?tunnel=branch-linkoping', { token: t.tokens.viewer })).json.items as Array<{ id: string; code: string; wizard: string; peer: string | null }>;
      return items.find((f) => f.code === 'one_sided_initiation');
    });
    expect(finding.wizard).toBe('one-sided-initiation');
    const created = await t.request('POST', `/api/v1/diagnose/wizards/${finding.wizard}/runs`, { token: t.tokens.operator, body: { findingId: finding.id } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ tunnel: 'branch-linkoping', peer: '127.0.4.20', findingId: finding.id });
    expect((await t.request('POST', `/api/v1/diagnose/wizards/${finding.wizard}/runs`, { token: t.tokens.operator, body: { findingId: 'nope' } })).status).toBe(404);

    // Seed 13.6.7: when the remote side initiates, its larger network is refused here.
    const lastBefore = (await t.request('GET', '/api/v1/events?limit=1', { token: t.tokens.viewer })).json.items[0].id as number;
    const started = await t.request('POST', `/api/v1/diagnose/wizards/runs/${created.json.id}/steps/initiate-remote/start`, { token: t.tokens.operator });
    expect(step(started.json, 'initiate-remote').performed).toMatchObject({ done: true, message: expect.stringMatching(/restarted/) });
    const problem = await eventually('initiate-remote judged', async () => {
      const run = (await t.request('GET', `/api/v1/diagnose/wizards/runs/${created.json.id}`, { token: t.tokens.viewer })).json;
      const remote = step(run, 'initiate-remote') as StepJson & { findings: Array<{ code: string }> };
      return remote.status === 'not-verified' ? undefined : remote;
    });
    expect(problem).toMatchObject({ status: 'problem-found', next: { wizard: 'one-sided-initiation' } });
    expect(problem.findings[0]?.code).toBe('one_sided_initiation');
    expect(problem.citing.length).toBeGreaterThan(0);
    expect(problem.citing.every((id) => id > lastBefore)).toBe(true);
  });

  it('never shows a pre-shared key', () => {
    const evidence = s.t.seen.join('\n') + '\n' + s.t.logs.join('');
    for (const secret of s.secrets) expect(evidence.includes(secret), `leaked ${secret}`).toBe(false);
  });
});
