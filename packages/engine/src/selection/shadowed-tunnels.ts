/**
 * Static check of the tunnel order against the selection rule (seed
 * 13.6.1, 13.6.6 #2): a tunnel is unreachable when a tunnel above it
 * matches the same remote gateway (or is roaming: remote endpoint none)
 * and also accepts every identity the lower tunnel's peer can present,
 * because IKE_AUTH re-selection only moves away from the selected tunnel
 * when the peer's identity does NOT match it. The usual symptom is an
 * "incorrect pre-shared key" for the lower tunnel's peer.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import { describeTunnelIdentity, identityToWire, matchIdentity, type IdentityMatcher } from './identity-matcher.ts';

export interface ShadowedTunnel {
  readonly shadowedIndex: number;
  readonly shadowedName: string;
  readonly shadowingIndex: number;
  readonly shadowingName: string;
  readonly message: string;
}

type OrderFields = Pick<TunnelConfig, 'name' | 'enabled' | 'localEndpoint' | 'remoteEndpoint' | 'remoteId'>;

/** Does `upper`'s remote identity accept every identity `lower`'s peer may send? */
function identityCovers(upper: OrderFields, lower: OrderFields, match: IdentityMatcher): boolean {
  if (upper.remoteId.type === 'any') return true;
  if (lower.remoteId.type === 'any') return false;
  if (upper.remoteId.type === lower.remoteId.type && upper.remoteId.value.toLowerCase() === lower.remoteId.value.toLowerCase()) {
    return true;
  }
  // A wildcard configured identity on the lower tunnel ("*.example.com") stands for many: only an exact
  // or broader upper wildcard covers it, which the equality above and the match below approximate.
  if (lower.remoteId.value.startsWith('*')) return false;
  const wire = identityToWire(lower.remoteId);
  return wire !== undefined && match(upper.remoteId, wire).matched;
}

export function findShadowedTunnels(tunnels: readonly OrderFields[], match: IdentityMatcher = matchIdentity): ShadowedTunnel[] {
  const findings: ShadowedTunnel[] = [];
  tunnels.forEach((lower, lowerIndex) => {
    if (!lower.enabled) return;
    for (let upperIndex = 0; upperIndex < lowerIndex; upperIndex++) {
      const upper = tunnels[upperIndex];
      if (upper === undefined || !upper.enabled || upper.localEndpoint !== lower.localEndpoint) continue;
      const roaming = upper.remoteEndpoint === 'none';
      if (!roaming && upper.remoteEndpoint !== lower.remoteEndpoint) continue;
      if (!identityCovers(upper, lower, match)) continue;
      const gateway = roaming ? 'remote endpoint none (roaming)' : `remote endpoint ${upper.remoteEndpoint}`;
      findings.push({
        shadowedIndex: lowerIndex,
        shadowedName: lower.name,
        shadowingIndex: upperIndex,
        shadowingName: upper.name,
        message:
          `tunnel "${lower.name}" can never be selected: "${upper.name}" above it (tunnels[${upperIndex}], ${gateway}, ` +
          `remote identity ${describeTunnelIdentity(upper.remoteId)}) matches its peer first, and IKE_AUTH only re-selects ` +
          `when the peer's identity does not match; expect "incorrect pre-shared key" for ${lower.remoteEndpoint === 'none' ? 'its peers' : lower.remoteEndpoint}. ` +
          `Move "${lower.name}" above "${upper.name}" or narrow "${upper.name}"'s remote identity (seed 13.6.1)`,
      });
      return;
    }
  });
  return findings;
}
