/**
 * The demo lab: scenario peers (real IKEv2 engines on loopback, each with one
 * of the seed's misconfigurations) negotiating with the gateway. Metadata and
 * running state only: a peer's config and keys never leave the server.
 * Lab activity is on the stream topic `lab`.
 */
import { Type, type Static } from '@sinclair/typebox';

export const LabScenarioKind = Type.Union([Type.Literal('healthy'), Type.Literal('informational'), Type.Literal('failing')]);

export const LabScenarioRunState = Type.Object({
  startedAt: Type.Number(),
  attempts: Type.Integer({ description: 'Negotiations the lab started for this scenario.' }),
  peerTunnelUp: Type.Union([Type.Boolean(), Type.Null()], { description: "The peer's own view (null: nothing listens at the peer)." }),
  waitingForLocalGateway: Type.Boolean(),
  lastAction: Type.Optional(
    Type.Object({ action: Type.String(), time: Type.Number(), ok: Type.Boolean(), detail: Type.String() }),
  ),
});
export type LabScenarioRunState = Static<typeof LabScenarioRunState>;

export const LabScenario = Type.Object({
  id: Type.String(),
  title: Type.String({ description: "The seed's words." }),
  seedSection: Type.String(),
  kind: LabScenarioKind,
  expectedFinding: Type.Union([Type.String(), Type.Null()]),
  expectedLocalCode: Type.Union([Type.String(), Type.Null()]),
  expectedLocalOutcome: Type.String(),
  description: Type.String(),
  inDefaultMix: Type.Boolean(),
  localTunnel: Type.String({ description: 'Our tunnel the scenario exercises.' }),
  peerAddress: Type.String(),
  peerListens: Type.Boolean(),
  initiator: Type.Union([Type.Literal('peer'), Type.Literal('local')]),
  running: Type.Boolean(),
  run: Type.Optional(LabScenarioRunState),
});
export type LabScenario = Static<typeof LabScenario>;

export const LabScenarioList = Type.Object({ items: Type.Array(LabScenario) });
export type LabScenarioList = Static<typeof LabScenarioList>;

export const LabScenarioParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type LabScenarioParams = Static<typeof LabScenarioParams>;
