/**
 * The demo lab over REST and the stream: its scenarios (metadata and
 * running state, never a peer's config or key), starting and stopping them
 * (audited), and what the lab does, recorded on the `lab` topic.
 *
 *   lab activity --> GatewayEvent (topic lab, our tunnel, the peer) --> recorder --> history + stream
 *
 * The peers' own snoop lines are not recorded: they mirror ours, which the
 * gateway records already. The peers' keys are handed to the secret guard.
 */
import type { LabScenario, LabScenarioList } from '../contract.ts';
import { ApiError, notFound } from '../errors.ts';
import type { LabActivity, LabControl } from '../plugins/app/lab-port.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { SecretGuard } from './secret-guard.ts';

export class LabService {
  private unsubscribe: (() => void) | undefined;
  private readonly tunnelOfScenario: ReadonlyMap<string, string>;

  constructor(
    private readonly lab: LabControl,
    private readonly recorder: EventRecorder,
    private readonly audit: AuditLog,
    guard: SecretGuard,
  ) {
    guard.addSecrets(lab.secretValues());
    this.tunnelOfScenario = new Map(lab.scenarios().map((s) => [s.id, s.localTunnel]));
  }

  start(): void {
    this.unsubscribe ??= this.lab.subscribe((activity) => this.record(activity));
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  list(): LabScenarioList {
    return { items: this.lab.scenarios() };
  }

  async startScenario(actor: Actor, id: string): Promise<LabScenario> {
    this.requireScenario(id);
    await this.run(() => this.lab.startScenario(id), `the lab could not start scenario ${id}`);
    this.audit.record(actor, 'lab.scenario.start', `lab_scenario:${id}`);
    return this.requireScenario(id);
  }

  async stopScenario(actor: Actor, id: string): Promise<LabScenario> {
    this.requireScenario(id);
    await this.run(() => this.lab.stopScenario(id), `the lab could not stop scenario ${id}`);
    this.audit.record(actor, 'lab.scenario.stop', `lab_scenario:${id}`);
    return this.requireScenario(id);
  }

  async startDefaultMix(actor: Actor): Promise<LabScenarioList> {
    await this.run(() => this.lab.startDefaultMix(), 'the lab could not start its default mix');
    this.audit.record(actor, 'lab.default_mix', 'lab');
    return this.list();
  }

  async stopAll(actor: Actor): Promise<LabScenarioList> {
    await this.run(() => this.lab.stopAll(), 'the lab could not stop');
    this.audit.record(actor, 'lab.stop_all', 'lab');
    return this.list();
  }

  private async run(action: () => Promise<void>, failure: string): Promise<void> {
    try {
      await action();
    } catch (err) {
      // Details (which address could not be bound) go to the log.
      throw new ApiError('gateway_error', failure, undefined, err);
    }
  }

  private requireScenario(id: string): LabScenario {
    const scenario = this.lab.scenarios().find((s) => s.id === id);
    if (!scenario) throw notFound(`lab scenario ${id}`);
    return scenario;
  }

  private record(activity: LabActivity): void {
    if (activity.type === 'lab.peer.event' && activity.event.type === 'snoop.message') return;
    const tunnel = this.tunnelOfScenario.get(activity.scenarioId);
    const base = { topic: 'lab' as const, type: activity.type, time: activity.time, tunnel };
    switch (activity.type) {
      case 'lab.scenario.started':
      case 'lab.scenario.stopped':
        this.recorder.publishServerEvent({
          ...base,
          peer: activity.peer,
          text: `lab scenario ${activity.scenarioId} ${activity.type === 'lab.scenario.started' ? 'started' : 'stopped'}: peer ${activity.peer}, our tunnel "${activity.localTunnel}"`,
          event: { ...activity },
        });
        return;
      case 'lab.scenario.action':
        this.recorder.publishServerEvent({ ...base, text: `lab scenario ${activity.scenarioId}: ${activity.detail}${activity.ok ? '' : ' (failed)'}`, event: { ...activity } });
        return;
      case 'lab.peer.event': {
        const inner = activity.event;
        const words = [inner['code'], inner['reason'], inner['message']].filter((w): w is string => typeof w === 'string');
        this.recorder.publishServerEvent({
          ...base,
          peer: activity.peer,
          text: `lab peer ${activity.peer}: ${inner.type}${words.length > 0 ? ` ${words.join(': ')}` : ''}`,
          event: { type: activity.type, scenarioId: activity.scenarioId, peer: activity.peer, peerEvent: inner },
        });
        return;
      }
    }
  }
}
