/**
 * The lab as the server hosts it (apps/server's `LabPort`): the default mix
 * at start, the scenarios one by one, and a peer initiating on request. The
 * server passes the lab's `demoConfig()` to the local gateway and, for the
 * scenarios the local gateway must initiate, attaches its gateway with
 * `attachLocalGateway`.
 *
 * Only metadata and running state cross this port: a peer's config and
 * keys stay here, except `secretValues()` (so the host can scrub them from
 * anything it sends out).
 */
import type { GatewayConfigInput } from '@tunnelscope/api';
import type { Lab, LabScenario } from './lab.ts';
import type { LabAction } from './lab-events.ts';
import type { LabScenarioId } from './scenario-catalogue.ts';

export interface LabHostScenarioView {
  id: string;
  title: string;
  seedSection: string;
  kind: 'healthy' | 'informational' | 'failing';
  expectedFinding: string | null;
  expectedLocalCode: string | null;
  expectedLocalOutcome: string;
  description: string;
  inDefaultMix: boolean;
  localTunnel: string;
  peerAddress: string;
  peerListens: boolean;
  initiator: 'peer' | 'local';
  running: boolean;
  run?: {
    startedAt: number;
    attempts: number;
    peerTunnelUp: boolean | null;
    waitingForLocalGateway: boolean;
    lastAction?: { action: LabAction; time: number; ok: boolean; detail: string };
  };
}

/** Lab activity as the host records it (the peer's own event travels as a plain object). */
export type LabHostActivity =
  | { type: 'lab.scenario.started' | 'lab.scenario.stopped'; time: number; scenarioId: string; peer: string; localTunnel: string }
  | { type: 'lab.scenario.action'; time: number; scenarioId: string; action: LabAction; ok: boolean; detail: string }
  | { type: 'lab.peer.event'; time: number; scenarioId: string; peer: string; event: { type: string } & Record<string, unknown> };

/** Structurally the server's `LabPort` (the lab does not import the server). */
export interface LabHostPort {
  /** Resolves once the default mix's peers are bound; they then negotiate on their own. */
  start(): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
  /** One line per running scenario peer, for the console banner. */
  describe(): string[];
  control: LabHostControl;
}

/** Structurally the server's `LabControl`. */
export interface LabHostControl {
  scenarios(): LabHostScenarioView[];
  startScenario(id: string): Promise<void>;
  stopScenario(id: string): Promise<void>;
  startDefaultMix(): Promise<void>;
  stopAll(): Promise<void>;
  /** The lab peer behind our tunnel starts a fresh negotiation (restarting it when it runs: DELETE, then IKE_SA_INIT). */
  initiateFromPeer(tunnel: string): Promise<{ initiated: boolean; message: string }>;
  /** Every pre-shared key of the lab's gateways. */
  secretValues(): string[];
  subscribe(listener: (activity: LabHostActivity) => void): () => void;
}

export function labHostPort(lab: Lab): LabHostPort {
  return {
    start: () => lab.startDefaultMix(),
    stop: () => lab.stopAll(),
    describe: () => lab.describe(),
    control: {
      scenarios: () => scenarioViews(lab),
      startScenario: (id) => lab.start(id as LabScenarioId),
      stopScenario: (id) => lab.stop(id as LabScenarioId),
      startDefaultMix: () => lab.startDefaultMix(),
      stopAll: () => lab.stopAll(),
      initiateFromPeer: (tunnel) => initiateFromPeer(lab, tunnel),
      secretValues: () => secretValuesOf(lab),
      subscribe: (listener) =>
        lab.subscribe((event) => {
          if (event.type === 'lab.peer.event') {
            const { event: peerEvent, ...rest } = event;
            listener({ ...rest, event: { ...peerEvent } });
          } else {
            listener(event);
          }
        }),
    },
  };
}

function scenarioViews(lab: Lab): LabHostScenarioView[] {
  const status = new Map(lab.status().map((s) => [s.id, s]));
  return lab.scenarios.map((scenario: LabScenario) => {
    const state = status.get(scenario.id);
    return {
      id: scenario.id,
      title: scenario.title,
      seedSection: scenario.seedSection,
      kind: scenario.kind,
      expectedFinding: scenario.expectedFinding,
      expectedLocalCode: scenario.expectedLocalCode,
      expectedLocalOutcome: scenario.expectedLocalOutcome,
      description: scenario.description,
      inDefaultMix: scenario.inDefaultMix,
      localTunnel: scenario.localTunnel,
      peerAddress: scenario.peerAddress,
      peerListens: scenario.peerListens,
      initiator: scenario.initiator,
      running: state?.running ?? false,
      ...(state?.run ? { run: { ...state.run } } : {}),
    };
  });
}

async function initiateFromPeer(lab: Lab, tunnel: string): Promise<{ initiated: boolean; message: string }> {
  const scenario = lab.scenarios.find((s) => s.localTunnel === tunnel);
  if (!scenario) return { initiated: false, message: `"${tunnel}" has no lab peer: initiate it from the remote side yourself` };
  if (!scenario.peerListens) return { initiated: false, message: `nothing listens at ${scenario.peerAddress} (lab scenario ${scenario.id}): no peer can initiate "${tunnel}"` };
  const running = lab.status().find((s) => s.id === scenario.id)?.running ?? false;
  // A scenario's peer initiates on its first tick: restarting it (graceful, with DELETE) is a fresh initiation from the remote side.
  if (running) await lab.stop(scenario.id);
  await lab.start(scenario.id);
  return {
    initiated: true,
    message: running
      ? `lab peer ${scenario.peerAddress} restarted (its SAs deleted) and initiates "${tunnel}" afresh`
      : `lab scenario ${scenario.id} started: its peer ${scenario.peerAddress} initiates "${tunnel}"`,
  };
}

function pskValues(config: GatewayConfigInput | undefined): string[] {
  return (config?.tunnels ?? []).flatMap((tunnel) => {
    const auth = tunnel.auth;
    return auth && auth.method === 'psk' && typeof auth.psk.value === 'string' ? [auth.psk.value] : [];
  });
}

function secretValuesOf(lab: Lab): string[] {
  const values = new Set(pskValues(lab.demoConfig()));
  for (const scenario of lab.scenarios) for (const value of pskValues(lab.peerConfig(scenario.id))) values.add(value);
  return [...values];
}
