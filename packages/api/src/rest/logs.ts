/** The event history: log events with stable codes, SA events, snoop lines. */
import { Type, type Static } from '@sinclair/typebox';

export const EventTopic = Type.Union([
  Type.Literal('snoop'),
  Type.Literal('sa'),
  Type.Literal('stats'),
  Type.Literal('log'),
  Type.Literal('flow'),
  Type.Literal('cert'),
  Type.Literal('config'),
  Type.Literal('alert'),
  Type.Literal('lab'),
  Type.Literal('diagnose'),
], {
  description:
    '`lab`: the demo lab (lab.scenario.started|stopped|action, lab.peer.event); `diagnose`: diagnose.wizard.step status changes and diagnose.fix.applied.',
});
export type EventTopic = Static<typeof EventTopic>;

export const StoredEvent = Type.Object({
  id: Type.Integer({ description: 'Monotonic event id; the WebSocket feed resumes from it.' }),
  time: Type.Number(),
  topic: EventTopic,
  type: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  tunnel: Type.Union([Type.String(), Type.Null()]),
  peer: Type.Union([Type.String(), Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()]),
  event: Type.Object({ type: Type.String() }, { additionalProperties: true, description: 'The engine event as emitted (member of the engine event union).' }),
});
export type StoredEvent = Static<typeof StoredEvent>;

export const EventQuery = Type.Object({
  topic: Type.Optional(EventTopic),
  code: Type.Optional(Type.String({ maxLength: 64, description: 'Comma-separated codes, e.g. incorrect_psk,no_proposal_chosen' })),
  tunnel: Type.Optional(Type.String({ maxLength: 200 })),
  peer: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Type.Number()),
  to: Type.Optional(Type.Number()),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type EventQuery = Static<typeof EventQuery>;

export const EventPage = Type.Object({
  items: Type.Array(StoredEvent, { description: 'Newest first' }),
  nextBeforeId: Type.Union([Type.Integer(), Type.Null()]),
});
export type EventPage = Static<typeof EventPage>;

export const EventCodeCount = Type.Object({ code: Type.String(), count: Type.Integer() });
export const EventCodeCounts = Type.Object({ items: Type.Array(EventCodeCount) });
export type EventCodeCounts = Static<typeof EventCodeCounts>;
