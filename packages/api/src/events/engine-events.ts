/**
 * Engine events: the SA lifecycle the `ike -stat` counters are computed
 * from, and tunnel (re-)selection records. A discriminated union on `type`.
 *
 * Lifecycle contract the daemon keeps (the counters depend on it):
 *
 *   ike.negotiation.started ──> ike.sa.up ──> (ike.rekey.started ──> ike.sa.rekeyed | ike.rekey.failed)* ──> ike.sa.down
 *                          └──> ike.negotiation.failed
 *
 *   child.negotiation.started ──> child.sa.up ──> (child.rekey.started ──> child.sa.rekeyed | child.rekey.failed)* ──> child.sa.down
 *                            └──> child.negotiation.failed
 *
 * - Every `*.started` is followed by exactly one outcome for the same id.
 * - A rekey is not a negotiation: it has its own events and counters. The
 *   SA replaced by a rekey is not reported with `*.sa.down`; the new SA
 *   continues under `newIkeSaId` / `newChildSaId`.
 * - The first CHILD_SA of IKE_AUTH is a child negotiation of its own: it
 *   starts once the peer is authenticated (`child.negotiation.started`
 *   after `ike.sa.up`), so an authentication failure counts one failed IKE
 *   negotiation and no IPsec negotiation, and a TS_UNACCEPTABLE in
 *   IKE_AUTH counts one IKE negotiation done and one IPsec negotiation
 *   failed (RFC 7296 §2.21.2: the IKE SA stays up).
 * - When an IKE SA goes down, its CHILD_SAs get their own `child.sa.down`.
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { TunnelSelectionRecordSchema } from './tunnel-selection.ts';

export const EndpointSchema = Type.Object(
  { address: Type.String(), port: Type.Integer({ minimum: 0, maximum: 65_535 }) },
  { additionalProperties: false },
);
export type Endpoint = Static<typeof EndpointSchema>;

export const RoleSchema = Type.Union([Type.Literal('initiator'), Type.Literal('responder')]);
export type Role = Static<typeof RoleSchema>;

/**
 * Error codes named after the seed's messages (13.6.6, 13.6.7). The table of
 * IKEv2 conditions behind each code is owned by the daemon; failure events
 * may carry other, more specific codes too.
 */
export const SEED_ERROR_CODES = [
  'no_proposal_chosen',
  'incorrect_psk',
  'ike_invalid_payload',
  'ike_invalid_cookie',
  'payload_malformed',
  'no_public_key_found',
  'ts_unacceptable',
  'peer_not_responding',
] as const;
export type SeedErrorCode = (typeof SEED_ERROR_CODES)[number];

const eventBase = {
  time: Type.Number({ description: 'Milliseconds since the Unix epoch (engine clock).' }),
};

const ikeSaRef = {
  ikeSaId: Type.String({ description: 'Engine handle of the IKE SA (stable for its lifetime).' }),
  tunnel: Type.Union([Type.String(), Type.Null()], { description: 'Tunnel name; null before selection.' }),
};

const childSaRef = {
  ...ikeSaRef,
  childSaId: Type.String({ description: 'Engine handle of the CHILD_SA.' }),
};

const failure = {
  code: Type.String({ description: 'Stable error code, e.g. "no_proposal_chosen".' }),
  message: Type.String({ description: 'Operator-facing explanation.' }),
  evidence: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'Structured evidence: phase, side, offered vs configured, message ids.',
    }),
  ),
};

function eventSchema<T extends string, P extends TProperties>(type: T, properties: P, description: string) {
  return Type.Object(
    { type: Type.Literal(type), ...eventBase, ...properties },
    { additionalProperties: false, description },
  );
}

export const IkeNegotiationStartedEventSchema = eventSchema(
  'ike.negotiation.started',
  { ...ikeSaRef, role: RoleSchema, local: EndpointSchema, remote: EndpointSchema },
  'An IKE_SA_INIT was sent (initiator) or accepted for processing (responder).',
);
export const IkeSaUpEventSchema = eventSchema(
  'ike.sa.up',
  { ...ikeSaRef, role: RoleSchema, local: EndpointSchema, remote: EndpointSchema },
  'IKE_AUTH completed: the IKE SA is established.',
);
export const IkeNegotiationFailedEventSchema = eventSchema(
  'ike.negotiation.failed',
  { ...ikeSaRef, ...failure },
  'The IKE SA negotiation ended without an IKE SA.',
);
export const IkeSaDownEventSchema = eventSchema(
  'ike.sa.down',
  { ...ikeSaRef, reason: Type.String({ description: 'deleted-by-peer, deleted-locally, expired, dpd-timeout, ...' }) },
  'An established IKE SA is gone (not reported for an SA replaced by a rekey).',
);
export const IkeRekeyStartedEventSchema = eventSchema(
  'ike.rekey.started',
  ikeSaRef,
  'A CREATE_CHILD_SA rekeying the IKE SA was sent or accepted.',
);
export const IkeSaRekeyedEventSchema = eventSchema(
  'ike.sa.rekeyed',
  { ...ikeSaRef, newIkeSaId: Type.String() },
  'The IKE SA was replaced by a new one; the old one is deleted as part of this.',
);
export const IkeRekeyFailedEventSchema = eventSchema(
  'ike.rekey.failed',
  { ...ikeSaRef, ...failure },
  'An IKE SA rekey ended without a new IKE SA; the old one is unchanged.',
);

export const ChildNegotiationStartedEventSchema = eventSchema(
  'child.negotiation.started',
  {
    ...childSaRef,
    role: Type.Optional(
      Type.Union([Type.Literal('initiator'), Type.Literal('responder')], {
        description: "Our role in THIS CHILD_SA's exchange (IKE_AUTH or CREATE_CHILD_SA); may differ from our role in the IKE SA.",
      }),
    ),
  },
  'A CHILD_SA negotiation started (in IKE_AUTH once authenticated, or CREATE_CHILD_SA).',
);
export const ChildSaUpEventSchema = eventSchema(
  'child.sa.up',
  {
    ...childSaRef,
    spiIn: Type.String({ description: 'Inbound ESP SPI, 8 hex digits.' }),
    spiOut: Type.String({ description: 'Outbound ESP SPI, 8 hex digits.' }),
  },
  'The CHILD_SA (a pair of ESP SAs) is installed.',
);
export const ChildNegotiationFailedEventSchema = eventSchema(
  'child.negotiation.failed',
  { ...childSaRef, ...failure },
  'The CHILD_SA negotiation ended without a CHILD_SA.',
);
export const ChildSaDownEventSchema = eventSchema(
  'child.sa.down',
  { ...childSaRef, reason: Type.String() },
  'An installed CHILD_SA is gone (not reported for one replaced by a rekey).',
);
export const ChildRekeyStartedEventSchema = eventSchema(
  'child.rekey.started',
  childSaRef,
  'A CREATE_CHILD_SA rekeying the CHILD_SA was sent or accepted.',
);
export const ChildSaRekeyedEventSchema = eventSchema(
  'child.sa.rekeyed',
  { ...childSaRef, newChildSaId: Type.String() },
  'The CHILD_SA was replaced by a new one; the old one is deleted as part of this.',
);
export const ChildRekeyFailedEventSchema = eventSchema(
  'child.rekey.failed',
  { ...childSaRef, ...failure },
  'A CHILD_SA rekey ended without a new CHILD_SA; the old one is unchanged.',
);

export const TunnelSelectedEventSchema = eventSchema(
  'tunnel.selected',
  {
    ikeSaId: Type.String(),
    selection: TunnelSelectionRecordSchema,
  },
  'A tunnel was selected or re-selected for an IKE SA or CHILD_SA.',
);

export const SaLifecycleEventSchema = Type.Union([
  IkeNegotiationStartedEventSchema,
  IkeSaUpEventSchema,
  IkeNegotiationFailedEventSchema,
  IkeSaDownEventSchema,
  IkeRekeyStartedEventSchema,
  IkeSaRekeyedEventSchema,
  IkeRekeyFailedEventSchema,
  ChildNegotiationStartedEventSchema,
  ChildSaUpEventSchema,
  ChildNegotiationFailedEventSchema,
  ChildSaDownEventSchema,
  ChildRekeyStartedEventSchema,
  ChildSaRekeyedEventSchema,
  ChildRekeyFailedEventSchema,
]);
export type SaLifecycleEvent = Static<typeof SaLifecycleEventSchema>;
export type SaLifecycleEventType = SaLifecycleEvent['type'];

export const EngineEventSchema = Type.Union([...SaLifecycleEventSchema.anyOf, TunnelSelectedEventSchema]);
export type EngineEvent = Static<typeof EngineEventSchema>;
export type EngineEventType = EngineEvent['type'];
export type TunnelSelectedEvent = Static<typeof TunnelSelectedEventSchema>;

/** Every lifecycle event type, in the order of the diagram above. */
export const SA_LIFECYCLE_EVENT_TYPES = SaLifecycleEventSchema.anyOf.map(
  (schema) => schema.properties.type.const,
) as readonly SaLifecycleEventType[];
