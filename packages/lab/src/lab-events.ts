/**
 * What the lab publishes: every event of every peer gateway (tagged with
 * its scenario), and the lab's own moves (a scenario started or stopped, a
 * peer initiating, rekeying or forgetting its SAs). A discriminated union on
 * `type`, like the engine's events.
 */
import type { GatewayEvent } from '@tunnelscope/engine';
import type { LabScenarioId } from './scenario-catalogue.ts';

export type LabAction =
  /** The peer starts a negotiation (IKE_SA_INIT, or CREATE_CHILD_SA on an IKE SA without CHILD_SA). */
  | 'peer-initiates'
  /** The peer rekeys its CHILD_SA (CREATE_CHILD_SA with N(REKEY_SA)). */
  | 'peer-rekeys-child-sa'
  /** The peer loses its SAs without DELETE (its gateway instance restarts). */
  | 'peer-forgets-state'
  /** The lab asks the local gateway to initiate the scenario's tunnel. */
  | 'local-initiates';

export type LabEvent =
  | { type: 'lab.peer.event'; time: number; scenarioId: LabScenarioId; peer: string; event: GatewayEvent }
  | { type: 'lab.scenario.started'; time: number; scenarioId: LabScenarioId; peer: string; localTunnel: string }
  | { type: 'lab.scenario.stopped'; time: number; scenarioId: LabScenarioId; peer: string; localTunnel: string }
  | { type: 'lab.scenario.action'; time: number; scenarioId: LabScenarioId; action: LabAction; ok: boolean; detail: string };

export type LabListener = (event: LabEvent) => void;

/**
 * The one thing the lab needs of the local gateway: to initiate a tunnel
 * (the "peer not responding" scenario has no peer to initiate for it). The
 * engine's `IkeGateway` fits as is (synchronous result); so does the
 * server's gateway port (a promise that rejects on failure).
 */
export interface LocalGatewayControl {
  initiate(tunnel: string): unknown;
}
