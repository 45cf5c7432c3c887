/**
 * Session-key capture for Wireshark's IKEv2 decryption table: admin only,
 * per tunnel, time-limited, encrypted at rest, audited.
 */
import { Type, type Static } from '@sinclair/typebox';

export const KeyCaptureBody = Type.Object(
  {
    tunnel: Type.String({ minLength: 1, maxLength: 200 }),
    durationS: Type.Integer({ minimum: 60, maximum: 86_400, description: 'Capture window; keys are deleted when it ends.' }),
  },
  { additionalProperties: false },
);
export type KeyCaptureBody = Static<typeof KeyCaptureBody>;

export const KeyCapture = Type.Object({
  tunnel: Type.String(),
  enabledBy: Type.String(),
  since: Type.Number(),
  until: Type.Number(),
  active: Type.Boolean(),
  keysStored: Type.Integer(),
});
export type KeyCapture = Static<typeof KeyCapture>;

export const KeyCaptureList = Type.Object({
  items: Type.Array(KeyCapture),
  engineSupportsKeyExport: Type.Boolean({ description: 'False while the engine does not yet hand out IKE SA keys.' }),
});
export type KeyCaptureList = Static<typeof KeyCaptureList>;
