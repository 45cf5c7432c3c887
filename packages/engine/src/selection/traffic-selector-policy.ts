/**
 * The responder's policy for the networks an initiator proposes (TSi/TSr).
 *
 * - strict (default, the seed's 13.6.7): every proposed selector must be
 *   equal to or inside a configured network; it is then accepted as
 *   proposed. A larger or non-overlapping one refuses the CHILD_SA with
 *   TS_UNACCEPTABLE — which is why "the tunnel can only be initiated from
 *   one side" when one side's remote network is bigger than the other
 *   side's local network.
 * - narrow (RFC 7296 §2.9, strongSwan): the proposal is intersected with
 *   the configured networks; a larger one is narrowed, a non-overlapping
 *   one refused.
 *
 * As responder, TSi is the initiator's side (our remote networks) and TSr
 * ours (our local networks). One CHILD_SA per network pair: the proposal
 * must fit one (local, remote) pair of the tunnel.
 */
import type { ResponderPolicy } from '@tunnelscope/api';
import type { IpNetwork } from '../config/ip-address.ts';
import {
  describeSelector,
  fromSelectorRange,
  intersectSelectors,
  selectorContains,
  selectorsEqual,
  toSelectorRange,
  trafficSelectorForNetwork,
  type SelectorRange,
  type TrafficSelector,
} from './traffic-selectors.ts';

/** exact: as configured; inside: a subset accepted as proposed; narrowed: cut down to the configuration. */
export type SelectorFit = 'exact' | 'inside' | 'narrowed';

export const SELECTOR_FIT_RANK: Readonly<Record<SelectorFit, number>> = { exact: 0, inside: 1, narrowed: 2 };

export type SelectorVerdict =
  | { readonly outcome: 'accepted'; readonly fit: SelectorFit; readonly selectors: TrafficSelector[]; readonly reason: string }
  | { readonly outcome: 'refused'; readonly notify: 'TS_UNACCEPTABLE'; readonly reason: string };

function worseFit(a: SelectorFit, b: SelectorFit): SelectorFit {
  return SELECTOR_FIT_RANK[a] >= SELECTOR_FIT_RANK[b] ? a : b;
}

const refused = (reason: string): SelectorVerdict => ({ outcome: 'refused', notify: 'TS_UNACCEPTABLE', reason });

/**
 * Applies `policy` to one side's proposed selectors against that side's
 * configured selectors.
 */
export function applyResponderPolicy(
  policy: ResponderPolicy,
  configured: readonly TrafficSelector[],
  proposed: readonly TrafficSelector[],
): SelectorVerdict {
  const configuredRanges: SelectorRange[] = [];
  for (const selector of configured) {
    const range = toSelectorRange(selector);
    if (typeof range !== 'string') configuredRanges.push(range);
  }
  const configuredText = configured.map(describeSelector).join(', ') || 'nothing';
  if (proposed.length === 0) return refused('no selector proposed');
  const proposedRanges: SelectorRange[] = [];
  for (const selector of proposed) {
    const range = toSelectorRange(selector);
    if (typeof range === 'string') return refused(`proposed selector is malformed: ${range}`);
    proposedRanges.push(range);
  }

  if (policy === 'strict') {
    let fit: SelectorFit = 'exact';
    for (const [index, range] of proposedRanges.entries()) {
      const text = describeSelector(proposed[index] ?? fromSelectorRange(range));
      if (configuredRanges.some((outer) => selectorsEqual(outer, range))) continue;
      if (configuredRanges.some((outer) => selectorContains(outer, range))) {
        fit = worseFit(fit, 'inside');
        continue;
      }
      if (configuredRanges.some((outer) => intersectSelectors(outer, range) !== undefined)) {
        return refused(`proposed ${text} is larger than the configured ${configuredText} (strict policy accepts only equal or smaller networks)`);
      }
      return refused(`proposed ${text} does not overlap the configured ${configuredText}`);
    }
    return {
      outcome: 'accepted',
      fit,
      selectors: [...proposed],
      reason:
        fit === 'exact'
          ? `proposed ${proposed.map(describeSelector).join(', ')} equals the configuration`
          : `proposed ${proposed.map(describeSelector).join(', ')} is inside the configured ${configuredText}; accepted as proposed`,
    };
  }

  // narrow: RFC 7296 §2.9 — the intersection of what was proposed with what is configured.
  const result: SelectorRange[] = [];
  let fit: SelectorFit = 'exact';
  for (const range of proposedRanges) {
    if (configuredRanges.some((outer) => selectorsEqual(outer, range))) {
      result.push(range);
      continue;
    }
    if (configuredRanges.some((outer) => selectorContains(outer, range))) {
      result.push(range);
      fit = worseFit(fit, 'inside');
      continue;
    }
    for (const outer of configuredRanges) {
      const common = intersectSelectors(outer, range);
      if (common !== undefined && !result.some((kept) => selectorsEqual(kept, common))) {
        result.push(common);
        fit = 'narrowed';
      }
    }
  }
  if (result.length === 0) {
    return refused(`proposed ${proposed.map(describeSelector).join(', ')} does not overlap the configured ${configuredText}`);
  }
  const selectors = result.map(fromSelectorRange);
  return {
    outcome: 'accepted',
    fit,
    selectors,
    reason:
      fit === 'narrowed'
        ? `proposed ${proposed.map(describeSelector).join(', ')} narrowed to ${selectors.map(describeSelector).join(', ')}`
        : fit === 'exact'
          ? `proposed ${proposed.map(describeSelector).join(', ')} equals the configuration`
          : `proposed ${proposed.map(describeSelector).join(', ')} is inside the configured ${configuredText}; accepted as proposed`,
  };
}

export interface ProposedSelectors {
  /** The initiator's side. */
  readonly tsi: readonly TrafficSelector[];
  /** The responder's side. */
  readonly tsr: readonly TrafficSelector[];
}

export interface TunnelNetworkPair {
  readonly local: IpNetwork;
  readonly remote: IpNetwork;
}

export type PairVerdict =
  | {
      readonly outcome: 'accepted';
      readonly fit: SelectorFit;
      readonly pair: TunnelNetworkPair;
      readonly pairIndex: number;
      readonly tsi: TrafficSelector[];
      readonly tsr: TrafficSelector[];
      readonly reason: string;
    }
  | { readonly outcome: 'refused'; readonly notify: 'TS_UNACCEPTABLE'; readonly reason: string };

/** The (local, remote) network pairs of a tunnel: one CHILD_SA each, same family only. */
export function tunnelNetworkPairs(local: readonly IpNetwork[], remote: readonly IpNetwork[]): TunnelNetworkPair[] {
  return local.flatMap((l) => remote.filter((r) => r.family === l.family).map((r) => ({ local: l, remote: r })));
}

/**
 * The responder's verdict on a proposed TSi/TSr for a tunnel with the
 * given networks: the best-fitting network pair (exact before inside
 * before narrowed, then list order), or TS_UNACCEPTABLE with the reason of
 * the closest pair.
 */
export function evaluateProposedSelectorsAsResponder(
  policy: ResponderPolicy,
  networks: { readonly local: readonly IpNetwork[]; readonly remote: readonly IpNetwork[] },
  proposed: ProposedSelectors,
): PairVerdict {
  const pairs = tunnelNetworkPairs(networks.local, networks.remote);
  if (pairs.length === 0) return { outcome: 'refused', notify: 'TS_UNACCEPTABLE', reason: 'the tunnel has no network pair of one family' };
  let best: Extract<PairVerdict, { outcome: 'accepted' }> | undefined;
  const refusals: string[] = [];
  pairs.forEach((pair, pairIndex) => {
    const initiatorSide = applyResponderPolicy(policy, [trafficSelectorForNetwork(pair.remote)], proposed.tsi);
    const responderSide = applyResponderPolicy(policy, [trafficSelectorForNetwork(pair.local)], proposed.tsr);
    if (initiatorSide.outcome === 'refused' || responderSide.outcome === 'refused') {
      if (initiatorSide.outcome === 'refused') refusals.push(`TSi: ${initiatorSide.reason}`);
      if (responderSide.outcome === 'refused') refusals.push(`TSr: ${responderSide.reason}`);
      return;
    }
    const fit = worseFit(initiatorSide.fit, responderSide.fit);
    if (best !== undefined && SELECTOR_FIT_RANK[best.fit] <= SELECTOR_FIT_RANK[fit]) return;
    best = {
      outcome: 'accepted',
      fit,
      pair,
      pairIndex,
      tsi: initiatorSide.selectors,
      tsr: responderSide.selectors,
      reason: `TSi: ${initiatorSide.reason}; TSr: ${responderSide.reason}`,
    };
  });
  if (best !== undefined) return best;
  // The most telling refusal: a network that is too large (the seed's one-sided tunnel) before a disjoint one.
  const reason = refusals.find((text) => text.includes('larger than')) ?? refusals[0] ?? 'no network pair accepts the proposal';
  return { outcome: 'refused', notify: 'TS_UNACCEPTABLE', reason };
}
