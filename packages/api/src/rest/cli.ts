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

/** Tab completion of a console line. */
export const CliCompleteBody = Type.Object({ line: Type.String({ maxLength: 1000 }) }, { additionalProperties: false });
export type CliCompleteBody = Static<typeof CliCompleteBody>;
export const CliCompletion = Type.Object({
  replaceFrom: Type.Integer({ minimum: 0, description: 'Offset in the line where the token being completed starts' }),
  candidates: Type.Array(Type.String(), { description: 'Full replacements for that token, sorted' }),
});
export type CliCompletion = Static<typeof CliCompletion>;
