/**
 * Completion candidates for the token under the cursor (the web console's
 * Tab key), from the same command table the parser uses.
 */
import { COMMAND_TABLE, PROTOCOL_NAMES, findCommand, type OptionSpec, type OptionValueKind } from './command-table.ts';
import { tokenizeCommandLine } from './parse-command-line.ts';

/** Values the console knows for `-name=` options (e.g. interface and tunnel names). */
export interface CompletionSources {
  readonly interfaces?: readonly string[];
  readonly peers?: readonly string[];
}

export interface Completion {
  /** Offset in the line where the token being completed starts. */
  readonly replaceFrom: number;
  /** Full replacements for that token, sorted. */
  readonly candidates: string[];
}

function valuesFor(kind: OptionValueKind, sources: CompletionSources): readonly string[] {
  switch (kind) {
    case 'interface':
      return sources.interfaces ?? [];
    case 'protocol':
      return Object.keys(PROTOCOL_NAMES);
    case 'peer':
      return sources.peers ?? [];
    default:
      return [];
  }
}

function optionCandidate(option: OptionSpec): string {
  return option.value === undefined ? option.name : `${option.name}=`;
}

export function completeCommandLine(line: string, sources: CompletionSources = {}): Completion {
  const tokenized = tokenizeCommandLine(line);
  if (!tokenized.ok) return { replaceFrom: line.length, candidates: [] };
  const tokens = [...tokenized.tokens];
  const endsWithBlank = line.length === 0 || /\s$/.test(line);
  const current = endsWithBlank ? { text: '', start: line.length, end: line.length } : tokens.pop();
  if (current === undefined) return { replaceFrom: line.length, candidates: [] };
  const prefix = current.text.toLowerCase();
  const result = (candidates: readonly string[], from = current.start): Completion => ({
    replaceFrom: from,
    candidates: [...new Set(candidates)].filter((candidate) => candidate.toLowerCase().startsWith(prefix)).sort(),
  });

  if (tokens.length === 0) return result(COMMAND_TABLE.map((command) => command.name));
  const spec = findCommand(tokens[0]?.text ?? '');
  if (spec === undefined) return result([]);
  const used = new Set(tokens.slice(1).map((token) => token.text.split('=')[0]?.toLowerCase() ?? ''));
  const action = spec.actions.find((candidate) => used.has(candidate.name));

  // A value after "-name=".
  const equals = current.text.indexOf('=');
  if (current.text.startsWith('-') && equals > 0) {
    const name = current.text.slice(0, equals).toLowerCase();
    const options = action?.options ?? spec.options;
    const option = options.find((candidate) => candidate.name === name);
    if (option?.value === undefined) return { replaceFrom: current.start, candidates: [] };
    const valuePrefix = current.text.slice(equals + 1).toLowerCase();
    const candidates = valuesFor(option.value, sources)
      .filter((value) => value.toLowerCase().startsWith(valuePrefix))
      .map((value) => `${option.name}=${value}`);
    return { replaceFrom: current.start, candidates: [...new Set(candidates)].sort() };
  }

  if (spec.argument?.kind === 'command' && !current.text.startsWith('-')) {
    return result(COMMAND_TABLE.map((command) => command.name));
  }
  if (spec.actions.length > 0 && action === undefined) {
    return result(spec.actions.map((candidate) => candidate.name));
  }
  const options = action?.options ?? spec.options;
  const exclusive = action?.requiresOneOf ?? [];
  const exclusiveTaken = exclusive.some((name) => used.has(name));
  return result(
    options
      .filter((option) => !used.has(option.name))
      .filter((option) => !(exclusiveTaken && exclusive.includes(option.name)))
      .map(optionCandidate),
  );
}
