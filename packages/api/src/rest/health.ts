import { Type, type Static } from '@sinclair/typebox';

export const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptimeS: Type.Number(),
  engine: Type.Object({ running: Type.Boolean() }),
  store: Type.Object({ ok: Type.Boolean(), configVersion: Type.Integer(), lastEventId: Type.Integer() }),
  stream: Type.Object({ clients: Type.Integer() }),
  lab: Type.Object({ enabled: Type.Boolean() }),
});
export type HealthResponse = Static<typeof HealthResponse>;
