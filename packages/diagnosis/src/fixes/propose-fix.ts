/**
 * proposeFix(finding, config) -> the config with the finding's fix applied
 * and the exact diff, for the operator to review and the server to apply.
 * Only local fixes are machine-applicable; a finding whose fix belongs to
 * the peer has none and is refused with the reason.
 */
import type { GatewayConfig } from '@tunnelscope/api';
import type { Finding, FixOption } from '../model/finding.ts';
import { applyFixActions } from './apply-fix-actions.ts';
import { structuredChanges, unifiedConfigDiff, type ConfigChange } from './config-diff.ts';

export interface ProposedFix {
  readonly ok: true;
  readonly findingId: string;
  readonly fix: FixOption;
  readonly newConfig: GatewayConfig;
  readonly diff: { readonly text: string; readonly changes: readonly ConfigChange[] };
}

export interface RefusedFix {
  readonly ok: false;
  readonly findingId: string;
  readonly reason: string;
}

/** Applies the finding's fix `fixId` (default: its first, best fix). */
export function proposeFix(finding: Pick<Finding, 'id' | 'fixes' | 'side'>, config: GatewayConfig, options: { fixId?: string } = {}): ProposedFix | RefusedFix {
  if (finding.fixes.length === 0) {
    return {
      ok: false,
      findingId: finding.id,
      reason: finding.side === 'remote' ? 'the fix belongs on the peer: follow the fix steps there' : 'this finding has no machine-applicable fix: follow its fix steps',
    };
  }
  const fix = options.fixId === undefined ? finding.fixes[0] : finding.fixes.find((f) => f.id === options.fixId);
  if (!fix) return { ok: false, findingId: finding.id, reason: `no fix "${options.fixId}" for this finding (${finding.fixes.map((f) => f.id).join(', ')})` };
  const applied = applyFixActions(config, fix.actions);
  if (!applied.ok) return { ok: false, findingId: finding.id, reason: applied.reason };
  return {
    ok: true,
    findingId: finding.id,
    fix,
    newConfig: applied.config,
    diff: { text: unifiedConfigDiff(config, applied.config), changes: structuredChanges(config, applied.config, applied.changedPaths) },
  };
}
