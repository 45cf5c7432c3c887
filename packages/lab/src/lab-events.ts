/**
 * What the lab publishes: every event of every peer gateway (tagged with
 * its scenario), and the lab's own moves (a scenario started or stopped, a
 * peer initiating, rekeying or forgetting its SAs). A discriminated union on
 * `type`, like the engine's events.
 */
import type { PingRequest, PingResult } from '@tunnelscope/api';
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
  | 'local-initiates'
  /** A host behind the peer pings our gateway through the tunnel (the detail carries the ping summary). */
  | 'peer-pings'
  /** The peer's IKE stops answering while its IPsec SAs stay and keep sending ESP (13.6.6 #3, ESP side). */
  | 'peer-ike-hangs'
  /** The peer restarts after its IKE hung: IKE answers again, its stale SAs are gone. */
  | 'peer-recovers'
  /** The management station behind our mgm router pings our gateway (seed 13.6.5; the detail carries the ping summary). */
  | 'management-pings';

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
  /**
   * Optional: a ping through the local gateway's data plane (the management
   * scenario of 13.6.5 pings from a host behind mgm). The server's gateway
   * port has it; for the engine's `IkeGateway`, pass
   * `{ initiate: (t) => gw.initiate(t), ping: (r) => gw.dataPlane.ping(r) }`.
   */
  ping?(request: PingRequest): Promise<PingResult>;
}
