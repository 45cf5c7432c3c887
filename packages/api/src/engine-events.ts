/**
 * Events the IKE daemon publishes beyond the SA lifecycle and counter events
 * (those live in `events/`): snoop lines, coded log events with evidence,
 * dropped datagrams and PSK diagnoses. Every event is
 * `{ type, time, ... }`; clients narrow on `type`. Tunnel (re-)selection is
 * `tunnel.selected` in `events/engine-events.ts`.
 *
 * Never in any of these: a pre-shared key, a private key or an SK_* key.
 */
import { Type, type Static } from '@sinclair/typebox';

import { EndpointSchema as IkeEndpointSchema } from './events/engine-events.ts';

export const IkePhaseSchema = Type.Union([Type.Literal('ike'), Type.Literal('ipsec')], {
  description: 'Seed phase: "ike" is phase 1 (IKE SA), "ipsec" is phase 2 (CHILD_SA).',
});
export const IkeSideSchema = Type.Union([Type.Literal('initiator'), Type.Literal('responder')]);

/** One snoop line: a datagram (or a reassembled message) as decoded from its stored bytes. */
export const SnoopMessageEventSchema = Type.Object({
  type: Type.Literal('snoop.message'),
  time: Type.Number({ description: 'ms since epoch' }),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  local: IkeEndpointSchema,
  remote: IkeEndpointSchema,
  marker: Type.Boolean({ description: 'non-ESP marker present' }),
  datagramIds: Type.Array(Type.Integer(), { description: 'stored datagrams the line is rendered from' }),
  ikeSaId: Type.Optional(Type.String()),
  tunnel: Type.Optional(Type.String()),
  /** strongSwan brief notation, e.g. `IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]`. */
  summary: Type.String(),
  /** `-full`: the codec's structured decode (present only when the snoop mode is full). */
  detail: Type.Optional(Type.Unknown()),
});
export type SnoopMessageEvent = Static<typeof SnoopMessageEventSchema>;

export const LogSeveritySchema = Type.Union([
  Type.Literal('info'),
  Type.Literal('notice'),
  Type.Literal('warning'),
  Type.Literal('error'),
]);

/**
 * A coded log event. `code` is stable: the seed's error messages
 * (`no_proposal_chosen`, `incorrect_psk`, ...) or an informational code of
 * the daemon (`nat_detected`, `invalid_ke_retry`, ...). `evidence` always
 * names the datagrams it is based on.
 */
export const LogEventSchema = Type.Object({
  type: Type.Literal('log.event'),
  time: Type.Number(),
  code: Type.String(),
  severity: LogSeveritySchema,
  /** The daemon's precise condition (error-codes table key). */
  condition: Type.Optional(Type.String()),
  message: Type.String(),
  tunnel: Type.Optional(Type.String()),
  peer: Type.Optional(IkeEndpointSchema),
  phase: Type.Optional(IkePhaseSchema),
  side: Type.Optional(IkeSideSchema),
  ikeSaId: Type.Optional(Type.String()),
  childSaId: Type.Optional(Type.String()),
  messageIds: Type.Array(Type.Integer()),
  evidence: Type.Intersect([
    Type.Object({ datagramIds: Type.Array(Type.Integer(), { description: 'stored datagrams the event is based on' }) }),
    Type.Record(Type.String(), Type.Unknown()),
  ]),
});
export type LogEvent = Static<typeof LogEventSchema>;

export const DatagramDroppedEventSchema = Type.Object({
  type: Type.Literal('ike.datagram.dropped'),
  time: Type.Number(),
  reason: Type.String({ description: 'drop reason key (error-codes DROP_REASONS)' }),
  detail: Type.String(),
  local: IkeEndpointSchema,
  remote: IkeEndpointSchema,
  datagramId: Type.Optional(Type.Integer()),
  ikeSaId: Type.Optional(Type.String()),
});
export type DatagramDroppedEvent = Static<typeof DatagramDroppedEventSchema>;

export const PskCandidateResultSchema = Type.Object({
  /** Where the candidate came from: `selected_tunnel`, `hex_reading`, `passphrase_reading`, `tunnel:<name>`, `operator`. */
  source: Type.String(),
  tunnel: Type.Optional(Type.String()),
  verifies: Type.Boolean(),
});

/** Result of testing candidate keys against a failed exchange (never the keys themselves). */
export const PskDiagnosisEventSchema = Type.Object({
  type: Type.Literal('ike.psk.diagnosis'),
  time: Type.Number(),
  failureId: Type.String(),
  tunnel: Type.String(),
  peer: IkeEndpointSchema,
  ikeSaId: Type.String(),
  /** False when we were the initiator: the peer's check of our AUTH cannot be replayed here. */
  testable: Type.Boolean(),
  results: Type.Array(PskCandidateResultSchema),
  conclusion: Type.String(),
  /** Until when an operator can test more candidates (ms since epoch). */
  keptUntil: Type.Optional(Type.Number()),
});
export type PskDiagnosisEvent = Static<typeof PskDiagnosisEventSchema>;

export const DaemonEngineEventSchema = Type.Union([
  SnoopMessageEventSchema,
  LogEventSchema,
  DatagramDroppedEventSchema,
  PskDiagnosisEventSchema,
]);
export type DaemonEngineEvent = Static<typeof DaemonEngineEventSchema>;
