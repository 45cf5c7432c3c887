/**
 * Which interop tools this machine has, and the rule for tests that need
 * them: with CI set, a missing tool is a failure (CI must not go green by
 * skipping the interop suite); without CI, the suite is skipped with the
 * reason, so a laptop without strongSwan still runs everything else.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

export type InteropTool = 'charon' | 'swanctl' | 'tshark' | 'dumpcap' | 'netns';

export const CHARON_PATH = '/usr/lib/ipsec/charon';

export interface ToolStatus {
  tool: InteropTool;
  available: boolean;
  /** Why the tool is unusable (empty when available). */
  reason: string;
}

const cache = new Map<InteropTool, ToolStatus>();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  for (const dir of ['/usr/sbin', '/sbin']) {
    if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function probe(tool: InteropTool): ToolStatus {
  const missing = (reason: string): ToolStatus => ({ tool, available: false, reason });
  switch (tool) {
    case 'charon':
      if (!isExecutable(CHARON_PATH)) return missing(`${CHARON_PATH} not found (apt-get install strongswan-charon)`);
      break;
    case 'swanctl':
      if (!findOnPath('swanctl')) return missing('swanctl not found (apt-get install strongswan-swanctl)');
      break;
    case 'tshark':
      if (!findOnPath('tshark')) return missing('tshark not found (apt-get install tshark)');
      break;
    case 'dumpcap':
      if (!findOnPath('dumpcap')) return missing('dumpcap not found (apt-get install tshark)');
      break;
    case 'netns': {
      if (process.getuid?.() !== 0) return missing('network namespaces need root');
      if (!findOnPath('ip')) return missing('ip not found (apt-get install iproute2)');
      if (!findOnPath('unshare')) return missing('unshare not found (util-linux)');
      // Creating a throwaway namespace proves the capability without leaving a named one behind.
      const result = spawnSync('unshare', ['--net', '--mount', 'true'], { timeout: 10_000 });
      if (result.status !== 0) {
        return missing(`cannot create namespaces: ${result.stderr?.toString().trim() || `exit ${result.status}`}`);
      }
      break;
    }
  }
  return { tool, available: true, reason: '' };
}

/** Probes (once per process) whether `tool` is usable here. */
export function toolStatus(tool: InteropTool): ToolStatus {
  let status = cache.get(tool);
  if (!status) {
    status = probe(tool);
    cache.set(tool, status);
  }
  return status;
}

/** Whether the CI rule applies: env CI set to anything but '', '0' or 'false'. */
export function isCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** The statuses of `needs` that are not available (charon implies swanctl). */
export function missingTools(needs: readonly InteropTool[]): ToolStatus[] {
  const expanded = new Set<InteropTool>(needs);
  if (expanded.has('charon')) expanded.add('swanctl');
  return [...expanded].map(toolStatus).filter((status) => !status.available);
}

/**
 * Throws when any of `needs` is missing. Use inside a test or hook that
 * cannot run without the tool; the CI/non-CI decision belongs to
 * `describeInterop`, this is the hard check.
 */
export function requireTool(...needs: InteropTool[]): void {
  const missing = missingTools(needs);
  if (missing.length > 0) {
    throw new Error(`required interop tools missing: ${missing.map((m) => m.reason).join('; ')}`);
  }
}

/**
 * The rule in one place: 'run' when nothing is missing, otherwise 'fail'
 * under CI and 'skip' outside it.
 */
export function interopSuiteMode(missing: readonly ToolStatus[], ci: boolean): 'run' | 'fail' | 'skip' {
  if (missing.length === 0) return 'run';
  return ci ? 'fail' : 'skip';
}

/**
 * `describe` for suites that need real tools. All present: runs `fn`.
 * Missing and CI set: registers one failing test naming what is missing.
 * Missing and CI unset: `describe.skip` with the reason in the title.
 */
export function describeInterop(name: string, needs: readonly InteropTool[], fn: () => void): void {
  const missing = missingTools(needs);
  const reason = missing.map((m) => m.reason).join('; ');
  switch (interopSuiteMode(missing, isCi())) {
    case 'run':
      describe(name, fn);
      return;
    case 'fail':
      describe(name, () => {
        it('has the interop tools it needs (CI is set, so missing tools fail)', () => {
          throw new Error(`missing: ${reason}`);
        });
      });
      return;
    case 'skip':
      describe.skip(`${name} [skipped: ${reason}; set CI=1 to make this a failure]`, fn);
  }
}
