/** The audit log: who changed what. */
import { Type, type Static } from '@sinclair/typebox';

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  time: Type.Number(),
  actor: Type.String(),
  actorKind: Type.Union([Type.Literal('user'), Type.Literal('token'), Type.Literal('system'), Type.Literal('setup')]),
  action: Type.String({ description: 'e.g. config.replace, sa.delete, snoop.mode, token.create' }),
  target: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditQuery = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 64 })),
  actor: Type.Optional(Type.String({ maxLength: 64 })),
  beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditPage = Type.Object({ items: Type.Array(AuditEntry), nextBeforeId: Type.Union([Type.Integer(), Type.Null()]) });
export type AuditPage = Static<typeof AuditPage>;
