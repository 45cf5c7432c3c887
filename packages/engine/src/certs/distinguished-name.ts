/**
 * Distinguished names as text ("C=SE, O=Clavister, OU=R&D, CN=TTG", the
 * strongSwan / seed spelling produced by @tunnelscope/ike's der-name) and
 * their comparison. RFC 5280 7.1: names compare RDN by RDN in order; the
 * attribute values compare case-insensitively after whitespace is
 * collapsed (caseIgnoreMatch on the prepared strings). Order matters:
 * "C=SE, CN=gw" is not "CN=gw, C=SE".
 */

export interface DnAttribute {
  readonly type: string;
  readonly value: string;
}

const TYPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['EMAILADDRESS', 'E'],
  ['EMAIL', 'E'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['2.5.4.3', 'CN'],
  ['2.5.4.6', 'C'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
]);

/** Splits "C=SE, O=Clavister, CN=TTG" into attributes; undefined if a part has no "=". */
export function parseDistinguishedName(text: string): DnAttribute[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i]!;
    if (ch === '\\' && i + 1 < trimmed.length) {
      current += trimmed[i + 1];
      i++;
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const attributes: DnAttribute[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const rawType = part.slice(0, eq).trim().toUpperCase();
    attributes.push({ type: TYPE_ALIASES.get(rawType) ?? rawType, value: part.slice(eq + 1).trim() });
  }
  return attributes;
}

function prepare(value: string): string {
  return value.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** RFC 5280 7.1 comparison of two DNs given as text; order-sensitive. */
export function distinguishedNamesEqual(a: string, b: string): boolean {
  const left = parseDistinguishedName(a);
  const right = parseDistinguishedName(b);
  if (left === undefined || right === undefined) return prepare(a) === prepare(b);
  if (left.length !== right.length) return false;
  return left.every((attribute, index) => {
    const other = right[index]!;
    return attribute.type === other.type && prepare(attribute.value) === prepare(other.value);
  });
}
