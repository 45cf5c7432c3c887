/**
 * Loading a config from text (YAML or JSON) or a file. Parsing problems are
 * reported like validation problems (path "" and the line/column), so a
 * caller handles one result type whatever went wrong.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '@tunnelscope/api';
import { validateConfig, type ConfigValidationResult, type ValidateConfigOptions } from './validate-config.ts';

export type ConfigTextFormat = 'yaml' | 'json';

export type ParsedConfigText = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: ConfigIssue[] };

/** Parses YAML or JSON text into a plain value (not yet validated). */
export function parseConfigText(text: string, format: ConfigTextFormat): ParsedConfigText {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, errors: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        const where = position === undefined ? '' : ` (line ${position.line}, column ${position.col})`;
        return { path: '', message: `not valid YAML${where}: ${error.message.split('\n')[0] ?? ''}` };
      }),
    };
  }
  return { ok: true, value: document.toJS() as unknown };
}

export function configFormatForPath(path: string): ConfigTextFormat {
  return extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Parses and validates config text. */
export function loadConfigText(text: string, format: ConfigTextFormat, options?: ValidateConfigOptions): ConfigValidationResult {
  const parsed = parseConfigText(text, format);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: [] };
  return validateConfig(parsed.value, options);
}

/** Reads, parses and validates a config file (.json is JSON, anything else YAML). */
export async function loadConfigFile(path: string, options?: ValidateConfigOptions): Promise<ConfigValidationResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `cannot read ${path}: ${(error as Error).message}` }], warnings: [] };
  }
  return loadConfigText(text, configFormatForPath(path), options);
}
