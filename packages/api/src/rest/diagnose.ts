/** Test a candidate pre-shared key against the AUTH a peer actually sent. The key is never echoed or stored. */
import { Type, type Static } from '@sinclair/typebox';

export const TestPskBody = Type.Object(
  {
    tunnel: Type.String({ minLength: 1, maxLength: 200 }),
    psk: Type.Object(
      { kind: Type.Union([Type.Literal('passphrase'), Type.Literal('hex')]), value: Type.String({ minLength: 1, maxLength: 1024 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type TestPskBody = Static<typeof TestPskBody>;

export const TestPskResponse = Type.Object({
  tunnel: Type.String(),
  result: Type.Union([Type.Literal('match'), Type.Literal('mismatch'), Type.Literal('no_evidence')]),
  detail: Type.String(),
});
export type TestPskResponse = Static<typeof TestPskResponse>;
