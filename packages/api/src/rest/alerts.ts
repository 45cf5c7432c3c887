/** Alerts (tunnel down, flapping, certificate and CRL expiry) to syslog (RFC 5424 over UDP, loopback only) and to webhooks. */
import { Type, type Static } from '@sinclair/typebox';

export const AlertConfig = Type.Object(
  {
    enabled: Type.Boolean(),
    syslog: Type.Object(
      {
        enabled: Type.Boolean(),
        host: Type.String({ minLength: 1, maxLength: 64, description: 'Loopback address only (127.0.0.0/8 or ::1).' }),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        appName: Type.String({ minLength: 1, maxLength: 48, pattern: '^[!-~]+$' }),
        facility: Type.Integer({ minimum: 0, maximum: 23 }),
      },
      { additionalProperties: false },
    ),
    webhooks: Type.Array(
      Type.Object({ url: Type.String({ minLength: 1, maxLength: 500, pattern: '^https?://' }), enabled: Type.Boolean() }, { additionalProperties: false }),
      { maxItems: 20 },
    ),
    flapping: Type.Object(
      {
        transitions: Type.Integer({ minimum: 2, maximum: 1000, description: 'Up/down transitions within the window that count as flapping.' }),
        windowS: Type.Integer({ minimum: 10, maximum: 86_400 }),
      },
      { additionalProperties: false },
    ),
    certificateExpiry: Type.Optional(
      Type.Object(
        {
          days: Type.Integer({
            minimum: 1,
            maximum: 365,
            description: "Alert when a local, CA or cached certificate's notAfter, or a CRL's nextUpdate, is this close or past (default 14).",
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AlertConfig = Static<typeof AlertConfig>;

export const AlertKind = Type.Union([
  Type.Literal('tunnel_down'),
  Type.Literal('tunnel_up'),
  Type.Literal('flapping'),
  Type.Literal('test'),
  Type.Literal('certificate_expiry'),
  Type.Literal('crl_expiry'),
]);
export type AlertKind = Static<typeof AlertKind>;

export const Alert = Type.Object({
  kind: AlertKind,
  time: Type.Number(),
  tunnel: Type.Union([Type.String(), Type.Null()]),
  severity: Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('notice')]),
  message: Type.String(),
});
export type Alert = Static<typeof Alert>;
