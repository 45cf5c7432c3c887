/**
 * Snoop mode (`ike -snoop -brief|-full|-off`, optional peer filter) and the
 * snoop history: every IKE datagram that crossed the socket, stored as bytes
 * and rendered by the engine.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EndpointView } from './sas.ts';

export const SnoopModeName = Type.Union([Type.Literal('off'), Type.Literal('brief'), Type.Literal('full')]);
export type SnoopModeName = Static<typeof SnoopModeName>;

export const SnoopSettings = Type.Object(
  {
    mode: SnoopModeName,
    peer: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64, description: 'Only this remote address.' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type SnoopSettings = Static<typeof SnoopSettings>;

export const SnoopHistoryQuery = Type.Object({
  from: Type.Optional(Type.Number({ description: 'ms since epoch, inclusive' })),
  to: Type.Optional(Type.Number({ description: 'ms since epoch, inclusive' })),
  tunnel: Type.Optional(Type.String({ maxLength: 200 })),
  peer: Type.Optional(Type.String({ maxLength: 64, description: 'Remote address' })),
  exchange: Type.Optional(Type.String({ maxLength: 40, description: 'e.g. IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL' })),
  code: Type.Optional(Type.String({ maxLength: 64, description: 'Error code carried by the message, e.g. NO_PROPOSAL_CHOSEN' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text search in the brief line' })),
  format: Type.Optional(Type.Union([Type.Literal('brief'), Type.Literal('full')], { default: 'brief' })),
  beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Paging cursor: entries older than this id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type SnoopHistoryQuery = Static<typeof SnoopHistoryQuery>;

export const SnoopEntry = Type.Object({
  id: Type.Integer(),
  time: Type.Number(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  local: EndpointView,
  remote: EndpointView,
  tunnel: Type.Union([Type.String(), Type.Null()]),
  exchange: Type.Union([Type.String(), Type.Null()]),
  messageId: Type.Union([Type.Integer(), Type.Null()]),
  response: Type.Union([Type.Boolean(), Type.Null()]),
  errorCodes: Type.Array(Type.String()),
  length: Type.Integer(),
  text: Type.String({ description: 'The snoop line(s), as `ike -snoop` prints them in the chosen format.' }),
});
export type SnoopEntry = Static<typeof SnoopEntry>;

export const SnoopHistoryPage = Type.Object({
  items: Type.Array(SnoopEntry, { description: 'Newest first' }),
  nextBeforeId: Type.Union([Type.Integer(), Type.Null()]),
});
export type SnoopHistoryPage = Static<typeof SnoopHistoryPage>;
