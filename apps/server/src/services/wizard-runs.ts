/**
 * Guided wizard runs (in memory, bounded): a wizard made concrete for one
 * tunnel, each step started by an operator, and each started step judged
 * only by what was recorded after it began.
 *
 *   create(wizard, tunnel | finding) --> steps instantiated (tunnel, peer filled in)
 *   start(step) --> startedAt = now --> the step's live action:
 *                     initiate local     gateway initiate (audited)
 *                     initiate remote    the lab peer restarts and initiates, else the operator is asked
 *                     snoop              snoop mode for the peer (audited)
 *                     rekey / delete-sa  on the tunnel's SA here; the peer's side is the operator's
 *                     checks             nothing to run: the evaluation reads config and events
 *   read(run)  --> evaluateWizardStep(events since startedAt) per started step
 *   new events --(debounced)--> re-evaluate live steps --(status or citing changed)-->
 *                 `diagnose.wizard.step` on the `diagnose` topic
 *
 * A step without evidence after it began is "not-verified", never OK.
 */
import { randomUUID } from 'node:crypto';
import {
  evaluateWizardStep,
  instantiateWizard,
  toDiagnosisEvents,
  WIZARD_FOR_FINDING,
  WIZARDS,
  wizardById,
  type InstantiatedStep,
  type LiveAction,
  type StepEvaluation,
  type Wizard,
} from '@tunnelscope/diagnosis';
import type { FlowQuery, PingResult, TraceRequest, WizardList, WizardRun, WizardRunCreateBody, WizardRunStep } from '../contract.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import { GatewayActionError, type GatewayEvent, type GatewayPort } from '../plugins/app/gateway-port.ts';
import type { LabControl } from '../plugins/app/lab-port.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { DiagnosisService } from './diagnosis-service.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { Operations } from './operations.ts';

export interface WizardRunsOptions {
  maxRuns: number;
  /** A run untouched this long is forgotten. */
  runTtlMs: number;
  /** Steps started within this time are re-evaluated as events arrive (and their changes streamed). */
  liveMs: number;
  /** New events are gathered this long before live steps are re-evaluated. */
  debounceMs: number;
}

export const DEFAULT_WIZARD_RUNS_OPTIONS: WizardRunsOptions = { maxRuns: 200, runTtlMs: 24 * 3_600_000, liveMs: 15 * 60_000, debounceMs: 1_000 };

export interface WizardRunsDeps {
  diagnosis: DiagnosisService;
  gateway: GatewayPort;
  operations: Operations;
  recorder: EventRecorder;
  auditLog: AuditLog;
  lab: LabControl | undefined;
  onError: (err: unknown, where: string) => void;
}

type Performed = { done: boolean; message: string };

interface StepState {
  step: InstantiatedStep;
  startedAt: number | null;
  startedBy: string | null;
  performed: Performed | null;
  /** status and citing last streamed, to stream changes only. */
  streamed: string;
}

interface RunState {
  id: string;
  wizard: Wizard;
  tunnel: string;
  peer: string | null;
  findingId: string | null;
  createdAt: number;
  createdBy: string;
  touchedAt: number;
  steps: StepState[];
  /** Pings this run's steps ran (handed to the evaluators). */
  pings: Array<{ at: number; tunnel: string; result: PingResult }>;
}

/** How far before a step's start events are read to attribute the step's own events to tunnels. */
const ATTRIBUTION_LOOKBACK_MS = 10 * 60_000;

/** Topics whose events cannot change a step's verdict. */
const IGNORED_TOPICS: ReadonlySet<string> = new Set(['diagnose', 'lab', 'alert', 'config', 'stats']);

export class WizardRuns {
  private readonly runs = new Map<string, RunState>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Until when some started step is live (kept so the per-event check is O(1)). */
  private liveUntil = 0;

  constructor(
    private readonly deps: WizardRunsDeps,
    private readonly options: WizardRunsOptions = DEFAULT_WIZARD_RUNS_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Recorder observer: live steps are re-evaluated shortly after new evidence. */
  observe(event: GatewayEvent): void {
    if (this.closed || this.timer || IGNORED_TOPICS.has(event.topic) || !this.hasLiveSteps()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.evaluateLiveRuns();
    }, this.options.debounceMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  list(): WizardList {
    return {
      items: WIZARDS.map((wizard) => ({
        id: wizard.id,
        seedSection: wizard.seedSection,
        title: wizard.title,
        summary: wizard.summary,
        steps: wizard.steps.map((step) => ({ id: step.id, title: step.title, instruction: step.instruction, action: { ...step.action }, nextOnOk: step.nextOnOk })),
      })),
      forFinding: { ...WIZARD_FOR_FINDING },
    };
  }

  create(actor: Actor, wizardId: string, body: WizardRunCreateBody): WizardRun {
    const wizard = wizardById(wizardId);
    if (!wizard) throw notFound(`wizard ${wizardId}`);
    const finding = body.findingId === undefined ? undefined : this.deps.diagnosis.snapshot().findings.find((f) => f.id === body.findingId);
    if (body.findingId !== undefined && !finding) throw notFound(`finding ${body.findingId}`);
    const tunnelName = body.tunnel ?? finding?.tunnel ?? undefined;
    if (tunnelName === undefined) {
      throw badRequest('a run needs a tunnel: give `tunnel`, or a `findingId` of a finding about one', [{ path: 'body.tunnel', message: 'required unless findingId names a finding with a tunnel' }]);
    }
    const { config } = this.deps.diagnosis.currentConfig();
    const tunnel = config.tunnels.find((t) => t.name === tunnelName);
    if (!tunnel) throw notFound(`tunnel ${tunnelName}`);
    const peer = body.peer ?? finding?.peer ?? (tunnel.remoteEndpoint === 'none' ? null : tunnel.remoteEndpoint);
    // A roaming tunnel has no peer of its own: the run's peer fills in its instructions and snoop filter.
    const withPeer = peer === null ? config : { ...config, tunnels: config.tunnels.map((t) => (t.name === tunnelName ? { ...t, remoteEndpoint: peer } : t)) };
    const now = this.now();
    const run: RunState = {
      id: `run-${randomUUID()}`,
      wizard,
      tunnel: tunnelName,
      peer,
      findingId: finding?.id ?? null,
      createdAt: now,
      createdBy: actor.name,
      touchedAt: now,
      steps: instantiateWizard(wizard, withPeer, tunnelName).map((step) => ({ step, startedAt: null, startedBy: null, performed: null, streamed: 'not-started' })),
      pings: [],
    };
    this.forgetOldRuns();
    this.runs.set(run.id, run);
    if (this.runs.size > this.options.maxRuns) this.runs.delete(this.runs.keys().next().value!);
    this.deps.auditLog.record(actor, 'diagnose.wizard.create', `wizard_run:${run.id}`, { wizardId, tunnel: tunnelName, findingId: run.findingId });
    return this.view(run);
  }

  get(runId: string): WizardRun {
    const run = this.requireRun(runId);
    run.touchedAt = this.now();
    return this.view(run);
  }

  async startStep(actor: Actor, runId: string, stepId: string): Promise<WizardRun> {
    const run = this.requireRun(runId);
    const state = run.steps.find((s) => s.step.id === stepId);
    if (!state) throw notFound(`step ${stepId} of wizard ${run.wizard.id} (steps: ${run.steps.map((s) => s.step.id).join(', ')})`);
    const previous = { startedAt: state.startedAt, startedBy: state.startedBy, performed: state.performed };
    // Before the action: what the action causes is evidence for the step.
    state.startedAt = this.now();
    state.startedBy = actor.name;
    this.liveUntil = Math.max(this.liveUntil, state.startedAt + this.options.liveMs);
    try {
      state.performed = await this.perform(actor, run, state.step.action);
    } catch (err) {
      Object.assign(state, previous);
      throw err;
    }
    run.touchedAt = this.now();
    this.deps.auditLog.record(actor, 'diagnose.wizard.step', `wizard_run:${run.id}`, {
      wizardId: run.wizard.id,
      stepId,
      action: state.step.action.action,
      done: state.performed.done,
    });
    return this.view(run);
  }

  private async perform(actor: Actor, run: RunState, action: LiveAction): Promise<Performed> {
    try {
      return await this.performAction(actor, run, action);
    } catch (err) {
      // The step has started; what could not be done is part of its answer.
      if (err instanceof GatewayActionError) return { done: false, message: err.message };
      throw err;
    }
  }

  private async performAction(actor: Actor, run: RunState, action: LiveAction): Promise<Performed> {
    const peer = run.peer ?? 'the peer';
    switch (action.action) {
      case 'initiate': {
        if (action.from === 'local') {
          const result = await this.deps.operations.initiate(actor, action.tunnel);
          return { done: true, message: result.message };
        }
        const byLab = this.deps.lab ? await this.deps.lab.initiateFromPeer(action.tunnel) : undefined;
        if (byLab?.initiated) {
          this.deps.auditLog.record(actor, 'lab.peer.initiate', `tunnel:${action.tunnel}`, {});
          return { done: true, message: byLab.message };
        }
        return {
          done: false,
          message: `${byLab ? `${byLab.message}. ` : ''}Initiate "${action.tunnel}" from the remote side (${peer}) now: this step verifies from the events that follow.`,
        };
      }
      case 'snoop': {
        const mode = this.deps.operations.setSnoopMode(actor, { mode: action.mode, peer: action.peer });
        return { done: true, message: mode.mode === 'off' ? 'ike -snoop -off' : `ike -snoop -${mode.mode}${mode.peer ? ` for ${mode.peer}` : ''}` };
      }
      case 'rekey': {
        if (action.what === 'child') {
          const child = this.deps.gateway.listChildSas().find((c) => c.tunnel === action.tunnel && (c.state === 'installed' || c.state === 'established'));
          if (!child) return { done: false, message: `"${action.tunnel}" has no installed CHILD_SA to rekey: initiate it first` };
          return { done: true, message: (await this.deps.operations.rekeyChildSa(actor, child.id)).message };
        }
        const ike = this.deps.gateway.listIkeSas().find((sa) => sa.tunnel === action.tunnel && sa.state === 'established');
        if (!ike) return { done: false, message: `"${action.tunnel}" has no established IKE SA to rekey: initiate it first` };
        return { done: true, message: (await this.deps.operations.rekeyIkeSa(actor, ike.id)).message };
      }
      case 'delete-sa': {
        if (action.side === 'remote') {
          return { done: false, message: `Remove the tunnel on ${peer} (the side that still believes it is up); this step verifies from the events that follow.` };
        }
        const sas = this.deps.gateway.listIkeSas().filter((sa) => sa.tunnel === action.tunnel);
        for (const sa of sas) await this.deps.operations.deleteIkeSa(actor, sa.id);
        return { done: sas.length > 0, message: sas.length > 0 ? `deleted ${sas.length} IKE SA(s) of "${action.tunnel}"` : `"${action.tunnel}" has no IKE SA here` };
      }
      case 'check-config':
      case 'check-rules':
        return { done: true, message: 'checked against the running config' };
      case 'compare-proposals':
        return { done: false, message: `compares the proposals ${peer} sends from now on with ours: have the remote side initiate` };
      case 'test-psk':
        return { done: false, message: `Test the key ${peer} believes it uses: POST /api/v1/diagnose/test-psk {"tunnel": "${action.tunnel}", "psk": {...}} (the key is neither stored nor echoed).` };
      case 'generate-peer-config':
        return { done: true, message: `swanctl.conf for ${peer}: GET /api/v1/diagnose/swanctl/${encodeURIComponent(action.tunnel)}` };
      case 'ping':
        return this.pingThroughTunnel(actor, run, action.tunnel, action.to);
      case 'check-certificates':
        this.deps.gateway.certificateCache();
        return { done: true, message: `read the certificate cache and directory (${action.check})` };
      case 'flush-certificates': {
        const flushed = this.deps.gateway.flushCertificates();
        this.deps.auditLog.record(actor, 'certificates.flush', 'certificate_cache', { ...flushed, wizard: run.wizard.id });
        return { done: true, message: `ike -certflush: ${flushed.flushedCertificates} certificate(s) and ${flushed.flushedCrls} CRL(s) removed; the next negotiation refetches` };
      }
      case 'trace-management':
        this.deps.gateway.dataPlaneInterfaces();
        return { done: true, message: 'traced against the running routes and rules' };
    }
  }

  /**
   * Pings a host behind the peer from a simulated host behind us (the
   * tunnel's keep-alive addresses when set, else the first configured hosts
   * on each side). Pinging our gateway from behind the peer is the peer's side to run.
   */
  private async pingThroughTunnel(actor: Actor, run: RunState, tunnelName: string, to: 'gateway' | 'peer-network'): Promise<Performed> {
    if (to === 'gateway') {
      return { done: false, message: `From a host behind ${run.peer ?? 'the peer'}, ping this gateway's address on its core side through "${tunnelName}"; this step verifies from the flows and drops that follow.` };
    }
    const { config } = this.deps.diagnosis.currentConfig();
    const tunnel = config.tunnels.find((t) => t.name === tunnelName);
    if (!tunnel) return { done: false, message: `no tunnel named ${tunnelName}` };
    const keepAlive = tunnel.keepAlive;
    const source = keepAlive.sourceAddress || undefined;
    const destination = keepAlive.destinationAddress || undefined;
    if (!destination) {
      return { done: false, message: `"${tunnelName}" names no address behind ${run.peer ?? 'the peer'} (keepAlive.destinationAddress): run "ping <address>" in the console` };
    }
    const result = await this.deps.gateway.ping({ destination, ...(source ? { source } : {}), count: 4 });
    run.pings.push({ at: this.now(), tunnel: tunnelName, result });
    this.deps.auditLog.record(actor, 'dataplane.ping', `address:${destination}`, { source: result.source, sent: result.sent, received: result.received, wizard: run.wizard.id });
    return { done: true, message: `ping ${result.source} -> ${destination}: ${result.received}/${result.sent} answered` };
  }

  /** What the step evaluators may read of the running gateway (absent parts: the engine does not run them). */
  private liveInputs(run: RunState): NonNullable<Parameters<typeof evaluateWizardStep>[2]['live']> {
    const gateway = this.deps.gateway;
    const available = (read: () => unknown): boolean => {
      try {
        read();
        return true;
      } catch (err) {
        if (err instanceof GatewayActionError) return false;
        throw err;
      }
    };
    return {
      pings: run.pings,
      ...(available(() => gateway.dataPlaneCounters())
        ? { dataPlane: { listFlows: (query: FlowQuery) => gateway.listFlows(query), trace: (request: TraceRequest) => gateway.trace(request) } }
        : {}),
      ...(available(() => gateway.certificateStore()) ? { certificates: { cache: () => gateway.certificateCache(), store: () => gateway.certificateStore() } } : {}),
    };
  }

  private view(run: RunState): WizardRun {
    const now = this.now();
    const evaluations = this.evaluate(run, now);
    const steps = run.steps.map((state, i): WizardRunStep => {
      const evaluation = evaluations[i];
      return {
        id: state.step.id,
        title: state.step.title,
        instruction: state.step.instruction,
        action: { ...state.step.action },
        startedAt: state.startedAt,
        startedBy: state.startedBy,
        performed: state.performed,
        status: evaluation?.status ?? 'not-started',
        citing: evaluation ? [...evaluation.citing] : [],
        configPaths: evaluation ? [...evaluation.configPaths] : [],
        message: evaluation?.message ?? 'not started',
        next: evaluation ? evaluation.next : null,
        findings: (evaluation?.findings ?? []).map((f) => ({ id: f.id, code: f.code, title: f.title, tunnel: f.tunnel, explanation: f.explanation })),
      };
    });
    this.streamChanges(run, steps, now);
    return {
      id: run.id,
      wizardId: run.wizard.id,
      title: run.wizard.title,
      seedSection: run.wizard.seedSection,
      tunnel: run.tunnel,
      peer: run.peer,
      findingId: run.findingId,
      createdAt: run.createdAt,
      createdBy: run.createdBy,
      evaluatedAt: now,
      steps,
    };
  }

  /** Each started step judged by the events since it began (undefined: not started). */
  private evaluate(run: RunState, now: number): Array<StepEvaluation | undefined> {
    if (run.steps.every((s) => s.startedAt === null)) return run.steps.map(() => undefined);
    const { config } = this.deps.diagnosis.currentConfig();
    const earliest = Math.min(...run.steps.map((s) => s.startedAt ?? Number.POSITIVE_INFINITY)) - ATTRIBUTION_LOOKBACK_MS;
    const all = this.deps.diagnosis.window.read(earliest).events;
    const saState = this.deps.diagnosis.saState();
    const live = this.liveInputs(run);
    return run.steps.map((state) => {
      if (state.startedAt === null) return undefined;
      // Events before the step only attribute the later ones (which tunnel an IKE SA belongs to): a bounded look back does.
      const from = state.startedAt - ATTRIBUTION_LOOKBACK_MS;
      const events = toDiagnosisEvents(all.filter((e) => e.time >= from));
      try {
        return evaluateWizardStep(run.wizard.id, state.step.id, { config, tunnel: run.tunnel, stepStartedAt: state.startedAt, events, now, saState, live });
      } catch (err) {
        throw new ApiError('internal', 'wizard step evaluation failed', undefined, err);
      }
    });
  }

  private streamChanges(run: RunState, steps: readonly WizardRunStep[], now: number): void {
    for (const [i, step] of steps.entries()) {
      const state = run.steps[i]!;
      const key = `${step.status}|${step.citing.join(',')}`;
      if (step.status === 'not-started' || key === state.streamed) continue;
      state.streamed = key;
      this.deps.recorder.publishServerEvent({
        topic: 'diagnose',
        type: 'diagnose.wizard.step',
        time: now,
        tunnel: run.tunnel,
        text: `wizard ${run.wizard.id} step ${step.id} on "${run.tunnel}": ${step.status}: ${step.message}`,
        event: { type: 'diagnose.wizard.step', runId: run.id, wizardId: run.wizard.id, stepId: step.id, tunnel: run.tunnel, status: step.status, citing: step.citing, message: step.message },
      });
    }
  }

  private evaluateLiveRuns(): void {
    const cutoff = this.now() - this.options.liveMs;
    for (const run of this.runs.values()) {
      if (!run.steps.some((s) => s.startedAt !== null && s.startedAt >= cutoff)) continue;
      try {
        this.view(run);
      } catch (err) {
        this.deps.onError(err, `wizard run ${run.id}`);
      }
    }
  }

  private hasLiveSteps(): boolean {
    return this.runs.size > 0 && this.now() < this.liveUntil;
  }

  private forgetOldRuns(): void {
    const cutoff = this.now() - this.options.runTtlMs;
    for (const [id, run] of this.runs) if (run.touchedAt < cutoff) this.runs.delete(id);
  }

  private requireRun(runId: string): RunState {
    const run = this.runs.get(runId);
    if (!run) throw notFound(`wizard run ${runId} (runs are kept in memory: a restart forgets them)`);
    return run;
  }
}
