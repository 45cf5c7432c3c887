/**
 * Config read / validate / replace and the version history. The config
 * document itself is the engine's config model (packages/api config schema);
 * here it is carried as an object that the engine validates as a whole, so
 * the field-level errors are the engine's own.
 */
import { Type, type Static } from '@sinclair/typebox';
import { FieldError } from './errors.ts';

export const GatewayConfigDocument = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'The gateway config (interfaces, address book, rules, routes, IKE/IPsec proposal lists, ordered tunnel list). Secrets are write-only: reads show them redacted; a redacted value sent back keeps the stored secret.',
  },
);
export type GatewayConfigDocument = Static<typeof GatewayConfigDocument>;

export const ConfigVersionSource = Type.Union([
  Type.Literal('api'),
  Type.Literal('file'),
  Type.Literal('rollback'),
  Type.Literal('initial'),
]);

export const ConfigVersionInfo = Type.Object({
  id: Type.Integer(),
  createdAt: Type.Number({ description: 'ms since epoch' }),
  author: Type.String(),
  comment: Type.String(),
  source: ConfigVersionSource,
});
export type ConfigVersionInfo = Static<typeof ConfigVersionInfo>;

export const ConfigReadResponse = Type.Object({ version: ConfigVersionInfo, config: GatewayConfigDocument });
export type ConfigReadResponse = Static<typeof ConfigReadResponse>;

export const ConfigValidateBody = Type.Object({ config: GatewayConfigDocument }, { additionalProperties: false });
export type ConfigValidateBody = Static<typeof ConfigValidateBody>;

export const ConfigValidateResponse = Type.Object({ valid: Type.Boolean(), errors: Type.Array(FieldError) });
export type ConfigValidateResponse = Static<typeof ConfigValidateResponse>;

export const ConfigReplaceBody = Type.Object(
  {
    config: GatewayConfigDocument,
    comment: Type.Optional(Type.String({ maxLength: 500 })),
    baseVersion: Type.Optional(Type.Integer({ description: 'Refuse with 409 when the current version is no longer this one.' })),
  },
  { additionalProperties: false },
);
export type ConfigReplaceBody = Static<typeof ConfigReplaceBody>;

export const ConfigVersionList = Type.Object({ items: Type.Array(ConfigVersionInfo), total: Type.Integer(), current: Type.Integer() });
export type ConfigVersionList = Static<typeof ConfigVersionList>;

export const ConfigChange = Type.Object({
  path: Type.String(),
  kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
});
export type ConfigChange = Static<typeof ConfigChange>;

export const ConfigDiffResponse = Type.Object({ from: Type.Integer(), to: Type.Integer(), changes: Type.Array(ConfigChange) });
export type ConfigDiffResponse = Static<typeof ConfigDiffResponse>;

export const ConfigRollbackBody = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export type ConfigRollbackBody = Static<typeof ConfigRollbackBody>;
