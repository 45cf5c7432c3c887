/** The CLI endpoint: runs the seed's commands (`ike -stat`, `ike -snoop -brief`, `flow -show`, ...) and returns their text. */
import { Type, type Static } from '@sinclair/typebox';

export const CliBody = Type.Object({ command: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });
export type CliBody = Static<typeof CliBody>;

export const CliResponse = Type.Object({
  command: Type.String(),
  output: Type.String(),
  exitCode: Type.Integer({ description: '0 on success' }),
});
export type CliResponse = Static<typeof CliResponse>;
