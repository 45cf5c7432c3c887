/**
 * One running scenario: the loop that keeps its negotiation going so a
 * newcomer sees it live. One timer ("the next tick") per scenario, on the
 * lab's clock:
 *
 *   tick (every retry interval)
 *     initiator local:  ask the local gateway to initiate, next tick after the
 *                       retransmit budget has run out (never two attempts at once)
 *     initiator peer:   tunnel not up at the peer, nothing in flight -> peer initiates
 *                       tunnel up -> afterSetup:
 *                         nothing                  wait
 *                         rekey-child-sa           rekey (again every interval)
 *                         forget-state-silently    restart the peer without DELETE,
 *                                                  re-initiate one interval later
 *                         ping-gateway             the peer's host pings our int address
 *                                                  (again every ping interval)
 *                         ike-hangs                the peer's IKE goes deaf, its ESP stays;
 *                                                  its host pings through the stale SA
 *                                                  (dataplane/one-sided-esp.ts)
 *                         management-pings         the station behind our mgm router pings
 *                                                  our gateway (dataplane/management-pings.ts)
 *
 *   peer event child.sa.up  -> afterSetup != nothing: next tick at setup + its delay
 */
import { retransmitBudgetMs, type GatewayEvent } from '@tunnelscope/engine';
import { LAB_INTERNAL, PEER_TUNNEL_NAME, peerSiteAddresses } from './demo-config.ts';
import type { LabAction, LabEvent, LocalGatewayControl } from './lab-events.ts';
import { retransmitPolicyOf, type ResolvedLabOptions } from './lab-options.ts';
import type { PeerGateway } from './peer-gateway.ts';
import type { ScenarioDefinition } from './scenario-catalogue.ts';
import { OneSidedEspSteps } from './dataplane/one-sided-esp.ts';
import { pingFromManagementStation } from './dataplane/management-pings.ts';

export interface ScenarioRunStatus {
  startedAt: number;
  /** Negotiations the lab started for this scenario (peer or local initiations). */
  attempts: number;
  /** The peer's own view: its CHILD_SA is installed (null: no peer listens). */
  peerTunnelUp: boolean | null;
  /** Local initiation needed but no local gateway is attached. */
  waitingForLocalGateway: boolean;
  lastAction?: { action: LabAction; time: number; ok: boolean; detail: string };
}

export interface ScenarioRunHooks {
  emit(event: LabEvent): void;
  localGateway(): LocalGatewayControl | undefined;
}

export class ScenarioRun {
  private cancelTick: (() => void) | undefined;
  private stopped = false;
  private attempts = 0;
  private upSince: number | undefined;
  /** forget-state-once: the peer has had its one restart. */
  private forgotOnce = false;
  private waitingForLocalGateway = false;
  private lastAction: ScenarioRunStatus['lastAction'];
  private readonly startedAt: number;
  private readonly oneSidedEsp: OneSidedEspSteps | undefined;

  constructor(
    private readonly definition: ScenarioDefinition,
    private readonly options: ResolvedLabOptions,
    private readonly peer: PeerGateway | undefined,
    private readonly hooks: ScenarioRunHooks,
  ) {
    this.startedAt = options.clock.now();
    this.oneSidedEsp = definition.behaviour.afterSetup === 'ike-hangs' ? new OneSidedEspSteps(definition, options) : undefined;
  }

  begin(firstTickDelayMs: number): void {
    this.scheduleTick(this.options.clock.now() + firstTickDelayMs);
  }

  end(): void {
    this.stopped = true;
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  /** A local gateway was attached: a waiting local initiation goes now. */
  localGatewayAttached(): void {
    if (this.waitingForLocalGateway && !this.stopped) this.scheduleTick(this.options.clock.now());
  }

  onPeerEvent(event: GatewayEvent): void {
    if (this.stopped) return;
    if (event.type === 'child.sa.up' && event.tunnel === PEER_TUNNEL_NAME) {
      this.upSince = event.time;
      const delay = this.afterSetupDelayMs();
      if (delay !== undefined) this.scheduleTick(event.time + delay);
    }
  }

  status(): ScenarioRunStatus {
    const peerTunnelUp = this.peer ? this.peer.tunnelState(PEER_TUNNEL_NAME).installedChildSaIds.length > 0 : null;
    return {
      startedAt: this.startedAt,
      attempts: this.attempts,
      peerTunnelUp,
      waitingForLocalGateway: this.waitingForLocalGateway,
      ...(this.lastAction ? { lastAction: { ...this.lastAction } } : {}),
    };
  }

  private afterSetupDelayMs(): number | undefined {
    switch (this.definition.behaviour.afterSetup) {
      case 'nothing':
        return undefined;
      case 'rekey-child-sa':
        return this.options.timing.pfsRekeyDelayMs;
      case 'forget-state-silently':
      case 'forget-state-once':
      case 'ike-hangs':
        return this.options.timing.forgetStateAfterMs;
      case 'ping-gateway':
      case 'management-pings':
        return this.options.timing.pingIntervalMs;
    }
  }

  private scheduleTick(at: number): void {
    this.cancelTick?.();
    this.cancelTick = this.options.clock.setTimer(at, () => {
      this.cancelTick = undefined;
      void this.tick();
    });
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.options.clock.now();
    const retryAt = now + this.options.timing.retryIntervalMs;
    if (this.definition.behaviour.initiator === 'local') {
      this.initiateLocally();
      return;
    }
    const peer = this.peer;
    if (!peer) return;
    if (!peer.running()) {
      this.scheduleTick(retryAt);
      return;
    }
    const state = peer.tunnelState(PEER_TUNNEL_NAME);
    const childSaId = state.installedChildSaIds[0];
    if (childSaId === undefined) {
      this.upSince = undefined;
      this.oneSidedEsp?.reset();
      // After its one restart the peer only answers: bringing the tunnel back is our side's job.
      const onlyAnswers = this.definition.behaviour.afterSetup === 'forget-state-once' && this.forgotOnce;
      if (!onlyAnswers && !state.negotiating && !state.busy) {
        this.attempts++;
        this.record('peer-initiates', peer.initiate(PEER_TUNNEL_NAME), `${peer.address} initiates towards ${this.options.localAddress}`);
      }
      this.scheduleTick(retryAt);
      return;
    }
    const delay = this.afterSetupDelayMs();
    if (delay === undefined) {
      this.scheduleTick(retryAt);
      return;
    }
    const dueAt = (this.upSince ?? now) + delay;
    if (dueAt > now) {
      this.scheduleTick(dueAt);
      return;
    }
    if (this.oneSidedEsp) {
      const next = await this.oneSidedEsp.step(peer, now, (action, outcome, detail) => this.record(action, outcome, detail));
      if (!this.stopped) this.scheduleTick(next);
      return;
    }
    if (this.definition.behaviour.afterSetup === 'ping-gateway') {
      this.scheduleTick(now + this.options.timing.pingIntervalMs);
      await this.pingGateway(peer);
      return;
    }
    if (this.definition.behaviour.afterSetup === 'management-pings') {
      this.scheduleTick(now + this.options.timing.pingIntervalMs);
      await pingFromManagementStation(this.hooks.localGateway(), (action, outcome, detail) => this.record(action, outcome, detail));
      return;
    }
    if (this.definition.behaviour.afterSetup === 'rekey-child-sa') {
      if (!state.busy) this.record('peer-rekeys-child-sa', peer.rekeyChildSa(childSaId), `${peer.address} rekeys CHILD_SA ${childSaId}`);
      this.scheduleTick(retryAt);
      return;
    }
    // forget-state-silently, forget-state-once
    if (this.definition.behaviour.afterSetup === 'forget-state-once') {
      if (this.forgotOnce) {
        this.scheduleTick(retryAt);
        return;
      }
      this.forgotOnce = true;
    }
    this.upSince = undefined;
    try {
      await peer.forgetStateSilently();
      this.record('peer-forgets-state', { ok: true }, `${peer.address} lost its SAs without DELETE (gateway restarted)`);
    } catch (error) {
      this.record('peer-forgets-state', { ok: false, error: errorText(error) }, `${peer.address} could not restart`);
    }
    if (!this.stopped) this.scheduleTick(this.options.clock.now() + this.options.timing.retryIntervalMs);
  }

  /** A host behind the peer pings our gateway's int address through the tunnel (seed 13.6.1). */
  private async pingGateway(peer: PeerGateway): Promise<void> {
    const source = peerSiteAddresses(this.definition).host;
    const detail = `${source} (behind ${peer.address}) pings ${LAB_INTERNAL.gateway} through the tunnel`;
    try {
      const result = await peer.ping({ source, destination: LAB_INTERNAL.gateway, count: 1, timeoutMs: 1_000 });
      const failed = result.received === 0 ? result.replies.find((reply) => reply.error)?.error ?? 'no reply' : undefined;
      this.record('peer-pings', failed === undefined ? { ok: true } : { ok: false, error: failed }, `${detail}: ${result.received}/${result.sent} answered`);
    } catch (error) {
      this.record('peer-pings', { ok: false, error: errorText(error) }, detail);
    }
  }

  private initiateLocally(): void {
    const local = this.hooks.localGateway();
    const now = this.options.clock.now();
    if (!local) {
      this.waitingForLocalGateway = true;
      this.scheduleTick(now + this.options.timing.retryIntervalMs);
      return;
    }
    this.waitingForLocalGateway = false;
    this.attempts++;
    const tunnel = this.definition.site.tunnel;
    const detail = `the local gateway initiates "${tunnel}" towards ${this.options.peerAddress(this.definition.site.host)}`;
    let outcome: unknown;
    try {
      outcome = local.initiate(tunnel);
    } catch (error) {
      outcome = { ok: false, error: errorText(error) };
    }
    if (outcome instanceof Promise) {
      outcome.then(
        () => this.record('local-initiates', { ok: true }, detail),
        (error: unknown) => this.record('local-initiates', { ok: false, error: errorText(error) }, detail),
      );
    } else {
      this.record('local-initiates', outcome, detail);
    }
    // One attempt at a time: the next starts once this one has had its whole retransmit budget.
    const budget = retransmitBudgetMs(retransmitPolicyOf(this.options.timing));
    this.scheduleTick(now + Math.max(this.options.timing.retryIntervalMs, budget + 1_000));
  }

  private record(action: LabAction, outcome: unknown, detail: string): void {
    if (this.stopped) return;
    const failure = commandFailure(outcome);
    const time = this.options.clock.now();
    const text = failure === undefined ? detail : `${detail}: ${failure}`;
    this.lastAction = { action, time, ok: failure === undefined, detail: text };
    this.hooks.emit({ type: 'lab.scenario.action', time, scenarioId: this.definition.id, action, ok: failure === undefined, detail: text });
  }
}

/** The error of a `{ ok: false, error }` command result; undefined for anything else. */
function commandFailure(outcome: unknown): string | undefined {
  if (typeof outcome !== 'object' || outcome === null || !('ok' in outcome) || outcome.ok !== false) return undefined;
  return 'error' in outcome && typeof outcome.error === 'string' ? outcome.error : 'refused';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
