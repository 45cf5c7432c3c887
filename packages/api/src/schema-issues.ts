/**
 * Structural validation against a contract schema, reported the way an
 * operator reads it: one issue per bad field, named by its JSON path
 * (`tunnels[2].auth.psk.value`), with a message that says what was expected
 * and what was found. Used by the engine's config validation and by the
 * server for request bodies.
 *
 * Unions are resolved before reporting: a union of literals reports the
 * allowed values; a union of objects sharing a literal discriminator
 * (`auth.method`) reports the errors of the variant the value names.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { PATTERN_HINTS, type ConfigIssue } from './config/gateway-config.ts';

/** "/tunnels/2/auth" -> "tunnels[2].auth" */
export function jsonPointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** Appends a property or index to a JSON path. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

function isSchema(value: unknown): value is TSchema {
  return typeof value === 'object' && value !== null && Kind in value;
}

function schemaKind(schema: TSchema): string {
  return String(schema[Kind]);
}

export function describeSchema(schema: TSchema): string {
  switch (schemaKind(schema)) {
    case 'String':
      return 'a string';
    case 'Integer':
      return 'an integer';
    case 'Number':
      return 'a number';
    case 'Boolean':
      return 'true or false';
    case 'Array':
      return 'a list';
    case 'Null':
      return 'null';
    case 'Literal':
      return JSON.stringify(schema.const);
    case 'Object': {
      const properties = schema.properties as Record<string, TSchema> | undefined;
      const keys = Object.keys(properties ?? {});
      if (keys.length === 1 && keys[0] === 'set') return '{ set: true }';
      return 'an object';
    }
    case 'Union': {
      const variants = (schema.anyOf as TSchema[]).map(describeSchema);
      return variants.length <= 2 ? variants.join(' or ') : `one of ${variants.join(', ')}`;
    }
    default:
      return 'a valid value';
  }
}

/** Edit distance (insert, delete, substitute, swap neighbours), case-insensitive, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row !== undefined) row[j] = best;
    }
  }
  return at(x.length, y.length);
}

/** The closest of `candidates` to `word`, if it is close enough to be a typo. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

function literalVariants(schema: TSchema): unknown[] | undefined {
  const variants = schema.anyOf as TSchema[];
  if (!variants.every((variant) => schemaKind(variant) === 'Literal')) return undefined;
  return variants.map((variant) => variant.const);
}

/** The property whose literal value tells the object variants of a union apart. */
function discriminatorOf(variants: TSchema[]): string | undefined {
  if (!variants.every((variant) => schemaKind(variant) === 'Object')) return undefined;
  const first = variants[0]?.properties as Record<string, TSchema> | undefined;
  if (first === undefined) return undefined;
  return Object.keys(first).find((key) =>
    variants.every((variant) => {
      const property = (variant.properties as Record<string, TSchema>)[key];
      return property !== undefined && schemaKind(property) === 'Literal';
    }),
  );
}

function issuesForUnion(schema: TSchema, value: unknown, path: string): ConfigIssue[] {
  const variants = schema.anyOf as TSchema[];
  const literals = literalVariants(schema);
  if (literals !== undefined) {
    const allowed = literals.map((literal) => JSON.stringify(literal)).join(', ');
    return [{ path, message: `expected one of ${allowed}, got ${describeValue(value)}` }];
  }
  const discriminator = discriminatorOf(variants);
  if (discriminator !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const tag = (value as Record<string, unknown>)[discriminator];
    const variant = variants.find(
      (candidate) => (candidate.properties as Record<string, TSchema>)[discriminator]?.const === tag,
    );
    if (variant !== undefined) return listSchemaIssues(variant, value, path);
    const allowed = variants
      .map((candidate) => JSON.stringify((candidate.properties as Record<string, TSchema>)[discriminator]?.const))
      .join(', ');
    return [{ path: childPath(path, discriminator), message: `expected one of ${allowed}, got ${describeValue(tag)}` }];
  }
  // A union of a scalar and an object (a secret or its marker): report against the variant of the same shape.
  const sameShape = variants.filter((variant) => {
    const kind = schemaKind(variant);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return kind === 'Object';
    return false;
  });
  if (sameShape.length === 1 && sameShape[0] !== undefined) return listSchemaIssues(sameShape[0], value, path);
  return [{ path, message: `expected ${describeSchema(schema)}, got ${describeValue(value)}` }];
}

function messageFor(error: ValueError): string {
  const schema = error.schema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.String:
    case ValueErrorType.Integer:
    case ValueErrorType.Number:
    case ValueErrorType.Boolean:
    case ValueErrorType.Array:
    case ValueErrorType.Object:
    case ValueErrorType.Literal:
      return `expected ${describeSchema(schema)}, got ${describeValue(error.value)}`;
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? 'must not be empty' : `must be at least ${String(schema.minLength)} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema.maxLength)} characters`;
    case ValueErrorType.StringPattern: {
      const hint = PATTERN_HINTS[String(schema.pattern)];
      return typeof hint === 'string'
        ? `${describeValue(error.value)} is not allowed: ${hint}`
        : `${describeValue(error.value)} does not match ${String(schema.pattern)}`;
    }
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${String(schema.minimum)}, got ${describeValue(error.value)}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${String(schema.maximum)}, got ${describeValue(error.value)}`;
    case ValueErrorType.ArrayMinItems:
      return schema.minItems === 1 ? 'must not be empty' : `must have at least ${String(schema.minItems)} items`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${String(schema.maxItems)} items`;
    default:
      return error.message;
  }
}

/**
 * Every structural problem of `value` against `schema`, each named by JSON
 * path under `basePath`. Empty when the value conforms.
 */
export function listSchemaIssues(schema: TSchema, value: unknown, basePath = ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: ConfigIssue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  };
  const pathsWithIssues: string[] = [];
  const missing = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    const full = joinPaths(basePath, jsonPointerToPath(error.path));
    // A missing field also fails its type check: "is required" says it all.
    if (missing.has(full)) continue;
    if (error.type === ValueErrorType.ObjectRequiredProperty) missing.add(full);
    // Report the innermost problem only: an object with a bad field also fails as a whole.
    if (error.type === ValueErrorType.Union) {
      if (pathsWithIssues.some((reported) => reported.startsWith(full))) continue;
      for (const issue of issuesForUnion(error.schema, error.value, full)) add(issue);
      pathsWithIssues.push(full);
      continue;
    }
    if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      const key = error.path.split('/').pop() ?? '';
      const known = isSchema(error.schema) ? Object.keys((error.schema.properties as object | undefined) ?? {}) : [];
      const suggestion = closestName(key, known);
      add({ path: full, message: suggestion ? `unknown field; did you mean "${suggestion}"?` : 'unknown field' });
      pathsWithIssues.push(full);
      continue;
    }
    add({ path: full, message: messageFor(error) });
    pathsWithIssues.push(full);
  }
  return issues;
}

function joinPaths(base: string, relative: string): string {
  if (base === '') return relative;
  if (relative === '') return base;
  return relative.startsWith('[') ? base + relative : `${base}.${relative}`;
}
