/**
 * The WebSocket feed at /api/v1/stream.
 *
 * Protocol (JSON text frames):
 *
 *   client                                   server
 *     |  <-- hello {lastEventId, heartbeatMs, queueLimit}
 *     |  subscribe {id, topic, filter} -->
 *     |  <-- subscribed {id}
 *     |  resume {afterId} -->                  (optional: replay history)
 *     |  <-- event {replay: true, data} ...
 *     |  <-- replay_done {lastId}
 *     |  <-- event {data} ...                  (live, in id order)
 *     |  <-- missed {count, firstId, lastId}   (queue overflowed: events skipped)
 *     |  <-- heartbeat {lastEventId}            (every heartbeatMs)
 *     |  <-- stats {subscription, counters}     (every intervalS per stats subscription)
 *
 * Each client has a bounded queue. A client that falls behind loses events
 * rather than growing the server's memory, and is told how many it missed
 * (and which ids), so it can `resume` from the last id it saw.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EventTopic, StoredEvent } from '../rest/logs.ts';
import { IkeStatCountersSchema } from '../stats/ike-stat-counters.ts';

export const StreamTopic = EventTopic;
export type StreamTopic = Static<typeof StreamTopic>;

export const StreamFilter = Type.Object(
  {
    peer: Type.Optional(Type.String({ maxLength: 64, description: 'Remote address (snoop, sa, log)' })),
    tunnel: Type.Optional(Type.String({ maxLength: 200 })),
    codes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: 'Only events with one of these codes (log)' })),
    types: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, description: 'Only these event types' })),
    intervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, description: 'stats: send a counters snapshot every N seconds' })),
  },
  { additionalProperties: false },
);
export type StreamFilter = Static<typeof StreamFilter>;

const SubscriptionId = Type.String({ minLength: 1, maxLength: 64 });

export const SubscribeMessage = Type.Object(
  { type: Type.Literal('subscribe'), id: SubscriptionId, topic: StreamTopic, filter: Type.Optional(StreamFilter) },
  { additionalProperties: false },
);
export const UnsubscribeMessage = Type.Object({ type: Type.Literal('unsubscribe'), id: SubscriptionId }, { additionalProperties: false });
export const ResumeMessage = Type.Object(
  { type: Type.Literal('resume'), afterId: Type.Integer({ minimum: 0, description: 'Replay stored events with a greater id, then go live' }) },
  { additionalProperties: false },
);
export const PingMessage = Type.Object({ type: Type.Literal('ping'), nonce: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });

export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage, ResumeMessage, PingMessage]);
export type ClientMessage = Static<typeof ClientMessage>;
export type SubscribeMessage = Static<typeof SubscribeMessage>;

export const HelloMessage = Type.Object({
  type: Type.Literal('hello'),
  serverTime: Type.Number(),
  lastEventId: Type.Integer(),
  heartbeatMs: Type.Integer(),
  queueLimit: Type.Integer(),
  principal: Type.Object({ name: Type.String(), role: Type.String() }),
});
export const SubscribedMessage = Type.Object({ type: Type.Literal('subscribed'), id: SubscriptionId, topic: StreamTopic });
export const UnsubscribedMessage = Type.Object({ type: Type.Literal('unsubscribed'), id: SubscriptionId });
export const EventMessage = Type.Object({ type: Type.Literal('event'), replay: Type.Optional(Type.Boolean()), data: StoredEvent });
export const StatsMessage = Type.Object({ type: Type.Literal('stats'), subscription: SubscriptionId, time: Type.Number(), counters: IkeStatCountersSchema });
export const MissedMessage = Type.Object({
  type: Type.Literal('missed'),
  count: Type.Integer({ description: 'Events this client did not receive' }),
  firstId: Type.Integer(),
  lastId: Type.Integer(),
  reason: Type.Union([Type.Literal('slow_client'), Type.Literal('retention')]),
});
export const ReplayDoneMessage = Type.Object({ type: Type.Literal('replay_done'), lastId: Type.Integer() });
export const HeartbeatMessage = Type.Object({ type: Type.Literal('heartbeat'), time: Type.Number(), lastEventId: Type.Integer() });
export const PongMessage = Type.Object({ type: Type.Literal('pong'), nonce: Type.Optional(Type.String()) });
export const StreamErrorMessage = Type.Object({ type: Type.Literal('error'), code: Type.String(), message: Type.String() });

export const ServerMessage = Type.Union([
  HelloMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  EventMessage,
  StatsMessage,
  MissedMessage,
  ReplayDoneMessage,
  HeartbeatMessage,
  PongMessage,
  StreamErrorMessage,
]);
export type ServerMessage = Static<typeof ServerMessage>;
export type EventMessage = Static<typeof EventMessage>;
export type MissedMessage = Static<typeof MissedMessage>;
export type StatsMessage = Static<typeof StatsMessage>;
export type HelloMessage = Static<typeof HelloMessage>;
