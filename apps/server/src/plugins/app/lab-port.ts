/**
 * The hook for the demo lab (peer gateways on 127.0.1.x with the seed's
 * misconfigurations). The lab is wired by its own owner (packages/lab's
 * `labHostPort`); the server starts and stops it beside the engine, lists
 * and drives its scenarios, and records what it does.
 *
 * Contract (`control` is optional: a lab without it only starts and stops):
 * - `start` resolves once the lab's default mix is bound and configured
 *   (its peers then negotiate with the gateway on their own); `stop` and
 *   `stopScenario` are idempotent, `startScenario` of a running scenario
 *   does nothing. Both throw for an id that `scenarios()` does not list
 *   (the server checks first) and when a peer cannot be bound.
 * - `scenarios()` is metadata and running state only: never a peer's config
 *   or key. `secretValues()` returns the peers' keys so the server's secret
 *   guard can scrub them from everything that leaves.
 * - `initiateFromPeer(tunnel)` makes the lab peer behind our tunnel start a
 *   fresh negotiation (IKE_SA_INIT from the remote side); `initiated: false`
 *   with the reason when no lab peer can do it.
 * - `subscribe` delivers lab activity synchronously; the listener must not
 *   throw. It returns the unsubscribe function.
 */
import type { LabScenario, LabScenarioRunState } from '@tunnelscope/api';

/** The REST contract's scenario shapes (packages/api), which the lab's port returns. */
export type LabScenarioRunView = LabScenarioRunState;
export type LabScenarioView = LabScenario;

/** What the lab did, as the server records it on the `lab` topic. */
export type LabActivity =
  | { type: 'lab.scenario.started' | 'lab.scenario.stopped'; time: number; scenarioId: string; peer: string; localTunnel: string }
  | { type: 'lab.scenario.action'; time: number; scenarioId: string; action: string; ok: boolean; detail: string }
  | { type: 'lab.peer.event'; time: number; scenarioId: string; peer: string; event: { type: string } & Record<string, unknown> };

export interface LabPort {
  /** The default mix (what `pnpm start` shows). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Short human description of each running peer, for the console banner. */
  describe(): string[];
  /** Scenario control and lab activity. Absent: the lab only runs beside the server (no /lab routes, no `lab` topic). */
  control?: LabControl;
}

export interface LabControl {
  scenarios(): LabScenarioView[];
  startScenario(id: string): Promise<void>;
  stopScenario(id: string): Promise<void>;
  startDefaultMix(): Promise<void>;
  stopAll(): Promise<void>;
  initiateFromPeer(tunnel: string): Promise<{ initiated: boolean; message: string }>;
  secretValues(): string[];
  subscribe(listener: (activity: LabActivity) => void): () => void;
}
