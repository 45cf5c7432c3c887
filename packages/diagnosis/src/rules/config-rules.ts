/**
 * Findings from the config alone (no traffic needed), seed 13.6.1 and
 * 13.6.5: a tunnel above another that catches its peer (the roaming
 * all-nets tunnel of the seed), duplicate tunnels, networks written with
 * host bits and overlapping networks (the all-nets route into a tunnel of
 * 13.6.5 is in dataplane-rules.ts: it also reads drops and flows). Config findings get modest confidence:
 * they say what WILL go wrong, not what did; a selection trace that shows
 * it happening raises it.
 */
import type { TunnelConfig, TunnelIdentity } from '@tunnelscope/api';
import { describeRange, isAllNets, parseNetwork, rangesOverlap, sameRangeSet, type IpRange } from '../net/ip-networks.ts';
import { addressBookOf, coversAllNets, describeRanges, resolveReferences } from '../net/tunnel-networks.ts';
import { moveTunnelFix, setNetworksFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

/** Does `upper`'s remote identity accept every identity `lower`'s peer may present? */
export function identityCovers(upper: TunnelIdentity, lower: TunnelIdentity): boolean {
  if (upper.type === 'any') return true;
  if (lower.type === 'any' || upper.type !== lower.type) return false;
  const u = upper.value.toLowerCase();
  const l = lower.value.toLowerCase();
  if (u === l) return true;
  if (u.startsWith('*') && !l.startsWith('*')) return l.endsWith(u.slice(1));
  return false;
}

function networksOf(ctx: RuleContext, tunnel: TunnelConfig): { local: IpRange[]; remote: IpRange[] } {
  return { local: resolveReferences(tunnel.localNetworks, ctx.book), remote: resolveReferences(tunnel.remoteNetworks, ctx.book) };
}

function isDuplicate(ctx: RuleContext, a: TunnelConfig, b: TunnelConfig): boolean {
  if (a.localEndpoint !== b.localEndpoint || a.remoteEndpoint !== b.remoteEndpoint) return false;
  if (a.remoteId.type !== b.remoteId.type || a.remoteId.value.toLowerCase() !== b.remoteId.value.toLowerCase()) return false;
  const na = networksOf(ctx, a);
  const nb = networksOf(ctx, b);
  return sameRangeSet(na.local, nb.local) && sameRangeSet(na.remote, nb.remote);
}

export const tunnelShadowedRule: DiagnosisRule = {
  code: 'tunnel_shadowed',
  severity: 'warning',
  basis: 'config',
  reads: { config: ['tunnels (order)', 'tunnels[].remoteEndpoint', 'tunnels[].remoteId', 'tunnels[].localEndpoint'], eventTypes: ['tunnel.selected'] },
  when: 'a tunnel above another (roaming, or the same remote endpoint) accepts every identity of the lower tunnel\'s peer, so the lower one is never selected',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    const tunnels = ctx.config.tunnels;
    tunnels.forEach((lower, lowerIndex) => {
      if (!lower.enabled) return;
      for (let upperIndex = 0; upperIndex < lowerIndex; upperIndex++) {
        const upper = tunnels[upperIndex]!;
        if (!upper.enabled || upper.localEndpoint !== lower.localEndpoint || upper.ikeVersion !== lower.ikeVersion) continue;
        const roaming = upper.remoteEndpoint === 'none';
        if (!roaming && upper.remoteEndpoint !== lower.remoteEndpoint) continue;
        if (!identityCovers(upper.remoteId, lower.remoteId) || isDuplicate(ctx, upper, lower)) continue;
        const lowerRoaming = lower.remoteEndpoint === 'none';
        const traces = ctx.index
          .ofType('tunnel.selected')
          .filter((e) => e.event.selection.tunnel === upper.name && e.event.selection.trace.some((step) => step.tunnel === lower.name && step.verdict === 'shadowed'));
        const allNets = coversAllNets(upper.remoteNetworks, ctx.book);
        drafts.push({
          tunnel: lower.name,
          peer: lowerRoaming ? null : lower.remoteEndpoint,
          phase: 'ike',
          side: 'local',
          score: traces.length > 0 ? 0.8 : 0.65,
          reasoning: [
            `"${upper.name}" (tunnels[${upperIndex}]) is above "${lower.name}" (tunnels[${lowerIndex}]) and ${roaming ? 'is roaming (remote endpoint none): it matches every gateway' : `has the same remote endpoint ${upper.remoteEndpoint}`}`,
            `its remote identity (${upper.remoteId.type}${upper.remoteId.value ? ` ${upper.remoteId.value}` : ''}) accepts the identity of "${lower.name}"'s peer, so IKE_AUTH keeps it`,
            traces.length > 0 ? `the selection trace shows it happening (${traces.length} time(s))` : 'from the config alone: no selection shows it yet',
          ],
          evidenceEventIds: traces.map((e) => e.id),
          explains: [],
          configPaths: [`tunnels[${upperIndex}]`, `tunnels[${lowerIndex}]`],
          explanation: `Another IPsec tunnel definition prevents the correct one being reached: the tunnel list is scanned from top to bottom, and "${upper.name}"${roaming ? `, with the Remote Endpoint set to none${allNets ? ' and the Remote Network set to all-nets' : ''},` : ''} is in a higher position than "${lower.name}". Peers of "${lower.name}" are caught by "${upper.name}"; a symptom of this is often an Incorrect Pre-shared Key message.`,
          fixSteps: lowerRoaming
            ? [`Narrow the remote identity of "${upper.name}", or remove one of the two roaming tunnels.`]
            : [`Move "${lower.name}" above "${upper.name}" (machine fix below).`, `Or narrow the remote identity of "${upper.name}".`],
          fixes: lowerRoaming ? [] : [moveTunnelFix(lower.name, upper.name)],
          facts: { shadowedBy: upper.name, shadowedByIndex: upperIndex, index: lowerIndex, roaming, allNets },
          discriminator: upper.name,
        });
        return;
      }
    });
    return drafts;
  },
};

export const duplicateTunnelRule: DiagnosisRule = {
  code: 'duplicate_tunnel',
  severity: 'warning',
  basis: 'config',
  reads: { config: ['tunnels[].localEndpoint', 'tunnels[].remoteEndpoint', 'tunnels[].remoteId', 'tunnels[].localNetworks', 'tunnels[].remoteNetworks'] },
  when: 'two enabled tunnels have the same endpoints, remote identity and networks: the lower one is never used',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    const tunnels = ctx.config.tunnels;
    tunnels.forEach((lower, lowerIndex) => {
      if (!lower.enabled) return;
      const upperIndex = tunnels.findIndex((upper, i) => i < lowerIndex && upper.enabled && isDuplicate(ctx, upper, lower));
      if (upperIndex < 0) return;
      const upper = tunnels[upperIndex]!;
      drafts.push({
        tunnel: lower.name,
        peer: lower.remoteEndpoint === 'none' ? null : lower.remoteEndpoint,
        phase: 'ike',
        side: 'local',
        score: 0.8,
        reasoning: [`"${lower.name}" has the same endpoints, remote identity and networks as "${upper.name}" above it`],
        evidenceEventIds: [],
        explains: [],
        configPaths: [`tunnels[${upperIndex}]`, `tunnels[${lowerIndex}]`],
        explanation: `"${lower.name}" duplicates "${upper.name}": the tunnel list is scanned top to bottom, so "${upper.name}" always wins and the settings of "${lower.name}" (its key, its proposals) are never used. If the peer is configured to match "${lower.name}", expect an incorrect pre-shared key or no proposal chosen.`,
        fixSteps: [`Remove one of the two, or make them differ (remote endpoint, remote identity or networks).`],
        fixes: [],
        facts: { duplicateOf: upper.name },
      });
    });
    return drafts;
  },
};

export const networkHostBitsRule: DiagnosisRule = {
  code: 'network_host_bits',
  severity: 'warning',
  basis: 'config',
  reads: { config: ['tunnels[].localNetworks', 'tunnels[].remoteNetworks', 'addressBook[].networks'] },
  when: 'a network is written with host bits set (the seed\'s own "192.168.10.0/16")',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    ctx.config.tunnels.forEach((tunnel, index) => {
      for (const field of ['localNetworks', 'remoteNetworks'] as const) {
        const written = tunnel[field];
        const parsed = written.map((text) => ({ text, parsed: ctx.book.has(text) ? undefined : parseNetwork(text) }));
        const wrong = parsed.filter((p) => p.parsed?.hostBitsSet);
        if (wrong.length === 0) continue;
        const normalised = parsed.map((p) => (p.parsed ? p.parsed.canonical : p.text));
        drafts.push({
          tunnel: tunnel.name,
          peer: null,
          phase: 'ipsec',
          side: 'local',
          score: 0.9,
          reasoning: wrong.map((w) => `"${w.text}" has bits set below its prefix: it is the network ${w.parsed?.canonical}`),
          evidenceEventIds: [],
          explains: [],
          configPaths: [`tunnels[${index}].${field}`],
          explanation: `Check that all IP addresses have been specified correctly: ${wrong.map((w) => `"${w.text}" means ${w.parsed?.canonical}`).join(', ')}. Was a different prefix meant (e.g. /24 instead of /16)? The network size must be exactly the same on both sides (13.6.7).`,
          fixSteps: [`Write the network as the engine reads it (machine fix below), or correct the prefix length if another network was meant.`],
          fixes: [setNetworksFix(tunnel.name, field, normalised, 'host bits cleared')],
          facts: { field, written, normalised },
          discriminator: field,
        });
      }
    });
    const book = addressBookOf({ addressBook: [] });
    ctx.config.addressBook.forEach((entry, index) => {
      if (book.has(entry.name)) return;
      const parsed = entry.networks.map((text) => ({ text, parsed: parseNetwork(text) }));
      const wrong = parsed.filter((p) => p.parsed?.hostBitsSet);
      if (wrong.length === 0) return;
      drafts.push({
        tunnel: null,
        peer: null,
        phase: 'ipsec',
        side: 'local',
        score: 0.85,
        reasoning: wrong.map((w) => `address book "${entry.name}": "${w.text}" is the network ${w.parsed?.canonical}`),
        evidenceEventIds: [],
        explains: [],
        configPaths: [`addressBook[${index}].networks`],
        explanation: `Check that all IP addresses have been specified correctly: the address book entry "${entry.name}" has ${wrong.map((w) => `"${w.text}" (= ${w.parsed?.canonical})`).join(', ')}.`,
        fixSteps: ['Write the network as the engine reads it, or correct the prefix length.'],
        fixes: [
          {
            id: 'normalise-address-book',
            summary: `Write the networks of "${entry.name}" with host bits cleared`,
            actions: [{ kind: 'set-address-book-networks', entry: entry.name, networks: parsed.map((p) => p.parsed?.canonical ?? p.text) }],
          },
        ],
        facts: { entry: entry.name },
        discriminator: `addressBook:${entry.name}`,
      });
    });
    return drafts;
  },
};

export const overlappingTunnelsRule: DiagnosisRule = {
  code: 'overlapping_tunnels',
  severity: 'warning',
  basis: 'config',
  reads: { config: ['tunnels[].remoteNetworks', 'tunnels[].remoteEndpoint'] },
  when: 'two non-roaming tunnels claim overlapping remote networks (traffic for the overlap has two possible tunnels)',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    const candidates = ctx.config.tunnels
      .map((tunnel, index) => ({ tunnel, index, remote: networksOf(ctx, tunnel).remote }))
      .filter((c) => c.tunnel.enabled && c.tunnel.remoteEndpoint !== 'none' && !c.remote.some(isAllNets));
    candidates.forEach((b, i) => {
      for (const a of candidates.slice(0, i)) {
        if (isDuplicate(ctx, a.tunnel, b.tunnel)) continue;
        const overlap = b.remote.filter((rb) => a.remote.some((ra) => rangesOverlap(ra, rb)));
        if (overlap.length === 0) continue;
        drafts.push({
          tunnel: b.tunnel.name,
          peer: b.tunnel.remoteEndpoint,
          phase: 'ipsec',
          side: 'local',
          score: 0.6,
          reasoning: [`remote networks of "${a.tunnel.name}" (${describeRanges(a.remote)}) and "${b.tunnel.name}" (${describeRanges(b.remote)}) overlap`],
          evidenceEventIds: [],
          explains: [],
          configPaths: [`tunnels[${a.index}].remoteNetworks`, `tunnels[${b.index}].remoteNetworks`],
          explanation: `Try and avoid duplication of IP addresses: "${a.tunnel.name}" and "${b.tunnel.name}" both claim ${overlap.map(describeRange).join(', ')}. Traffic for those addresses can go into either tunnel, and a peer proposing them may get the other tunnel's CHILD_SA.`,
          fixSteps: ['Give each tunnel its own remote networks; if one peer really serves both, use one tunnel with both networks.'],
          fixes: [],
          facts: { other: a.tunnel.name, overlap: overlap.map(describeRange) },
          discriminator: a.tunnel.name,
        });
      }
    });
    return drafts;
  },
};

export const localRemoteOverlapRule: DiagnosisRule = {
  code: 'local_remote_overlap',
  severity: 'warning',
  basis: 'config',
  reads: { config: ['tunnels[].localNetworks', 'tunnels[].remoteNetworks'] },
  when: 'a tunnel\'s local and remote networks overlap (the remote network is not all-nets)',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    ctx.config.tunnels.forEach((tunnel, index) => {
      if (!tunnel.enabled) return;
      const { local, remote } = networksOf(ctx, tunnel);
      if (remote.some(isAllNets) || local.some(isAllNets)) return;
      const overlap = local.filter((l) => remote.some((r) => rangesOverlap(l, r)));
      if (overlap.length === 0) return;
      drafts.push({
        tunnel: tunnel.name,
        peer: tunnel.remoteEndpoint === 'none' ? null : tunnel.remoteEndpoint,
        phase: 'ipsec',
        side: 'local',
        score: 0.75,
        reasoning: [`local ${describeRanges(local)} and remote ${describeRanges(remote)} overlap`],
        evidenceEventIds: [],
        explains: [],
        configPaths: [`tunnels[${index}].localNetworks`, `tunnels[${index}].remoteNetworks`],
        explanation: `Try and avoid duplication of IP addresses between the remote network being accessed and the local network: "${tunnel.name}" has ${overlap.map(describeRange).join(', ')} on both sides. Hosts there are seen as local and their traffic is not routed through the tunnel.`,
        fixSteps: ['Renumber one side, or route the specific hosts into the tunnel explicitly (seed 13.6.1: a host route to the remote server).'],
        fixes: [],
        facts: { overlap: overlap.map(describeRange) },
      });
    });
    return drafts;
  },
};
