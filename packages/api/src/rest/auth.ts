/** Users, sessions, API tokens and the first-start setup. */
import { Type, type Static } from '@sinclair/typebox';

export const UserRole = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')], {
  description: 'viewer: read only; operator: also changes config, SAs, snoop mode and caches; admin: also users, tokens, session keys, alerts, audit.',
});
export type UserRole = Static<typeof UserRole>;

const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });
const Password = Type.String({ minLength: 10, maxLength: 256 });

export const LoginBody = Type.Object({ username: Username, password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

export const SetupBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), username: Username, password: Password },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const Principal = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token')]),
  id: Type.Integer(),
  name: Type.String(),
  role: UserRole,
});
export type Principal = Static<typeof Principal>;

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: UserRole,
  createdAt: Type.Number({ description: 'ms since epoch' }),
  disabled: Type.Boolean(),
});
export type User = Static<typeof User>;

export const UserList = Type.Object({ items: Type.Array(User) });
export type UserList = Static<typeof UserList>;

export const UserCreateBody = Type.Object({ username: Username, password: Password, role: UserRole }, { additionalProperties: false });
export type UserCreateBody = Static<typeof UserCreateBody>;

export const UserUpdateBody = Type.Object(
  { role: Type.Optional(UserRole), password: Type.Optional(Password), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UserUpdateBody = Static<typeof UserUpdateBody>;

export const PasswordChangeBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

export const TokenInfo = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: UserRole,
  createdAt: Type.Number(),
  createdBy: Type.String(),
  lastUsedAt: Type.Union([Type.Number(), Type.Null()]),
  expiresAt: Type.Union([Type.Number(), Type.Null()]),
});
export type TokenInfo = Static<typeof TokenInfo>;

export const TokenList = Type.Object({ items: Type.Array(TokenInfo) });
export type TokenList = Static<typeof TokenList>;

export const TokenCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: UserRole,
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type TokenCreateBody = Static<typeof TokenCreateBody>;

export const TokenCreated = Type.Composite([
  TokenInfo,
  Type.Object({ token: Type.String({ description: 'Shown once; only its SHA-256 is stored.' }) }),
]);
export type TokenCreated = Static<typeof TokenCreated>;
