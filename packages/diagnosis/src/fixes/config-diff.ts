/**
 * The diff of a config change, as the operator reviews it before applying:
 * a unified-style text diff of the two configs rendered as indented JSON
 * (secrets shown as "<secret>": a diff never carries a key), with three
 * lines of context, plus the structured list of changed paths.
 */
import type { GatewayConfig } from '@tunnelscope/api';

const SECRET = '<secret>';
const CONTEXT_LINES = 3;

/** The config with every secret value replaced (PSK values, XAuth passwords). */
export function redactSecrets(config: GatewayConfig): GatewayConfig {
  return {
    ...config,
    tunnels: config.tunnels.map((tunnel) => ({
      ...tunnel,
      auth: tunnel.auth.method === 'psk' ? { method: 'psk', psk: { type: tunnel.auth.psk.type, value: SECRET } } : tunnel.auth,
      xauthPassword: tunnel.xauthPassword === '' ? '' : SECRET,
    })),
  };
}

function render(config: GatewayConfig): string[] {
  return JSON.stringify(redactSecrets(config), null, 2).split('\n');
}

type Edit = { op: ' ' | '-' | '+'; line: string; oldNo: number; newNo: number };

/** Line diff by longest common subsequence over the region between a common prefix and suffix. */
function lineEdits(a: readonly string[], b: readonly string[]): Edit[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const n = midA.length;
  const m = midB.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const edits: Edit[] = [];
  for (let k = 0; k < prefix; k++) edits.push({ op: ' ', line: a[k]!, oldNo: k + 1, newNo: k + 1 });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      edits.push({ op: ' ', line: midA[i]!, oldNo: prefix + i + 1, newNo: prefix + j + 1 });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      edits.push({ op: '+', line: midB[j]!, oldNo: prefix + i, newNo: prefix + j + 1 });
      j++;
    } else {
      edits.push({ op: '-', line: midA[i]!, oldNo: prefix + i + 1, newNo: prefix + j });
      i++;
    }
  }
  for (let k = 0; k < suffix; k++) {
    edits.push({ op: ' ', line: a[a.length - suffix + k]!, oldNo: a.length - suffix + k + 1, newNo: b.length - suffix + k + 1 });
  }
  return edits;
}

/** Unified diff text ("--- a", "+++ b", "@@ -l,s +l,s @@" hunks); empty when nothing changed. */
export function unifiedConfigDiff(before: GatewayConfig, after: GatewayConfig): string {
  const edits = lineEdits(render(before), render(after));
  const changed = edits.map((e, index) => (e.op === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const hunks: Array<{ start: number; end: number }> = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT_LINES);
    const end = Math.min(edits.length - 1, index + CONTEXT_LINES);
    const last = hunks[hunks.length - 1];
    if (last && start <= last.end + 1) last.end = Math.max(last.end, end);
    else hunks.push({ start, end });
  }
  const out = ['--- config (current)', '+++ config (with fix)'];
  for (const hunk of hunks) {
    const slice = edits.slice(hunk.start, hunk.end + 1);
    const oldLines = slice.filter((e) => e.op !== '+');
    const newLines = slice.filter((e) => e.op !== '-');
    const oldStart = oldLines[0]?.oldNo ?? slice[0]!.oldNo;
    const newStart = newLines[0]?.newNo ?? slice[0]!.newNo;
    out.push(`@@ -${oldStart},${oldLines.length} +${newStart},${newLines.length} @@`);
    for (const edit of slice) out.push(`${edit.op}${edit.line}`);
  }
  return out.join('\n');
}

export interface ConfigChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

function valueAt(config: GatewayConfig, path: string): unknown {
  let current: unknown = redactSecrets(config);
  for (const part of path.split(/\.|\[|\]/).filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Before/after values of the changed paths (a tunnel move lists the tunnel order). */
export function structuredChanges(before: GatewayConfig, after: GatewayConfig, changedPaths: readonly string[]): ConfigChange[] {
  return changedPaths.map((path) =>
    path.includes('->')
      ? { path: 'tunnels (order)', before: before.tunnels.map((t) => t.name), after: after.tunnels.map((t) => t.name) }
      : { path, before: valueAt(before, path), after: valueAt(after, path) },
  );
}
