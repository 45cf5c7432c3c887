/**
 * The last line of defence for write-only secrets. Secrets are redacted at
 * the source (the engine's `redactConfig`, events that never carry keys);
 * this guard also scrubs every outgoing REST body, stream message and log
 * line for the literal values of the configured pre-shared keys and private
 * keys, so a mistake elsewhere cannot leak one.
 */

export const SCRUBBED = '[redacted]';
/** Shorter values would mangle unrelated text and are not secrets worth the name. */
const MIN_SECRET_LENGTH = 4;

export class SecretGuard {
  private patterns: string[] = [];
  private readonly known = new Set<string>();

  /** Adds secret values. Values are kept for the process lifetime: a replaced key is still a secret. */
  addSecrets(values: Iterable<string>): void {
    const set = this.known;
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      set.add(value);
      // As it appears inside a JSON string.
      set.add(JSON.stringify(value).slice(1, -1));
      // Multi-line secrets (PEM keys): each substantial line on its own.
      if (value.includes('\n')) {
        for (const line of value.split(/\r?\n/)) {
          if (line.length >= 16 && !line.startsWith('-----')) set.add(line);
        }
      }
    }
    this.patterns = [...set].sort((a, b) => b.length - a.length);
  }

  active(): boolean {
    return this.patterns.length > 0;
  }

  scrub(text: string): string {
    let out = text;
    for (const p of this.patterns) {
      if (out.includes(p)) out = out.split(p).join(SCRUBBED);
    }
    return out;
  }
}

/**
 * The secret values of a config: every leaf whose value differs between the
 * full config and its redacted form (and every leaf the redaction removed).
 */
export function collectSecrets(full: unknown, redacted: unknown): string[] {
  const out: string[] = [];
  walk(full, redacted, out);
  return out;
}

function walk(full: unknown, redacted: unknown, out: string[]): void {
  if (full === null || full === undefined) return;
  if (typeof full === 'string' || typeof full === 'number') {
    if (full !== redacted) out.push(String(full));
    return;
  }
  if (Array.isArray(full)) {
    full.forEach((item, i) => walk(item, Array.isArray(redacted) ? redacted[i] : undefined, out));
    return;
  }
  if (typeof full === 'object') {
    const r = redacted !== null && typeof redacted === 'object' ? (redacted as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(full as Record<string, unknown>)) walk(v, r[k], out);
  }
}
