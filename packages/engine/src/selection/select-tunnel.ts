/**
 * Tunnel selection, exactly the seed's (13.6.1, 13.6.6 #2):
 *
 *   IKE_SA_INIT  selectTunnelForInit: scan the list top to bottom, the
 *                first enabled tunnel whose remote gateway matches wins
 *                (remote endpoint "none" = roaming, matches any address).
 *   IKE_AUTH     reselectTunnelForAuth: keep it if the peer's identity
 *                (IDi) matches its remote identity; otherwise move to the
 *                first tunnel (scan order again) whose gateway AND
 *                identity match. Never because another tunnel's key would
 *                verify: keys play no part in selection.
 *   CHILD_SA     selectTunnelForTrafficSelectors: among the tunnels that
 *                share the IKE SA's peer (gateway and identity match), the
 *                one whose networks fit the proposed TSi/TSr best.
 *
 * So a roaming tunnel (remote endpoint none, remote identity any) placed
 * above a specific tunnel is selected for the specific tunnel's peer, and
 * IKE_AUTH does not move away from it: the peer then fails with an
 * "incorrect pre-shared key". Each function returns the tunnel and an
 * event-ready record with the scan trace.
 */
import type { ScanStep, TunnelConfig, TunnelSelectionRecord } from '@tunnelscope/api';
import { formatIpAddress, parseIpAddress } from '../config/ip-address.ts';
import type { IpNetwork } from '../config/ip-address.ts';
import {
  describePeerIdentity,
  describeTunnelIdentity,
  matchIdentity,
  type IdentityMatcher,
  type PeerIdentity,
} from './identity-matcher.ts';
import {
  SELECTOR_FIT_RANK,
  evaluateProposedSelectorsAsResponder,
  type PairVerdict,
  type ProposedSelectors,
} from './traffic-selector-policy.ts';

/** The tunnel fields selection reads. */
export type SelectableTunnel = Pick<
  TunnelConfig,
  'name' | 'enabled' | 'localEndpoint' | 'remoteEndpoint' | 'remoteId' | 'ikeVersion'
>;

export interface SelectionEndpoints {
  /** The peer's address (source of its IKE_SA_INIT, or where we initiate to). */
  readonly remoteAddress: string;
  /** Our address the request arrived on. */
  readonly localAddress: string;
  /** IKE version of the request; 2 unless said otherwise. */
  readonly ikeVersion?: 1 | 2;
}

export interface TunnelSelection<T> {
  /** The chosen tunnel; undefined when none fits. */
  readonly tunnel: T | undefined;
  readonly record: TunnelSelectionRecord;
}

/** Canonical address text; IPv4-mapped IPv6 (dual-stack sockets) becomes IPv4. */
export function canonicalEndpointAddress(text: string): string {
  const address = parseIpAddress(text);
  if (address === undefined) return text;
  if (address.family === 6 && address.value >> 32n === 0xffffn) {
    return formatIpAddress({ family: 4, value: address.value & 0xffffffffn });
  }
  return formatIpAddress(address);
}

interface GatewayVerdict {
  readonly matches: boolean;
  readonly roaming: boolean;
  readonly reason: string;
}

/** Does the tunnel accept a peer at this gateway address? (enabled, version, local and remote endpoint) */
export function matchGateway(tunnel: SelectableTunnel, endpoints: SelectionEndpoints): GatewayVerdict {
  const remote = canonicalEndpointAddress(endpoints.remoteAddress);
  const local = canonicalEndpointAddress(endpoints.localAddress);
  const version = endpoints.ikeVersion ?? 2;
  if (!tunnel.enabled) return { matches: false, roaming: false, reason: 'disabled' };
  if (tunnel.ikeVersion !== version) {
    return { matches: false, roaming: false, reason: `IKEv${tunnel.ikeVersion} tunnel, the request is IKEv${version}` };
  }
  if (canonicalEndpointAddress(tunnel.localEndpoint) !== local) {
    return { matches: false, roaming: false, reason: `local endpoint ${tunnel.localEndpoint} is not ${local}` };
  }
  if (tunnel.remoteEndpoint === 'none') {
    return { matches: true, roaming: true, reason: `remote endpoint none (roaming) matches any gateway, ${remote} included` };
  }
  if (canonicalEndpointAddress(tunnel.remoteEndpoint) === remote) {
    return { matches: true, roaming: false, reason: `remote endpoint ${tunnel.remoteEndpoint} matches` };
  }
  return { matches: false, roaming: false, reason: `remote endpoint ${tunnel.remoteEndpoint} is not ${remote}` };
}

function record(fields: Omit<TunnelSelectionRecord, 'previousTunnel'> & { previousTunnel?: string | null }): TunnelSelectionRecord {
  return { ...fields, previousTunnel: fields.previousTunnel ?? null };
}

/** IKE_SA_INIT: the first tunnel in list order whose remote gateway matches. */
export function selectTunnelForInit<T extends SelectableTunnel>(
  tunnels: readonly T[],
  endpoints: SelectionEndpoints,
): TunnelSelection<T> {
  const remote = canonicalEndpointAddress(endpoints.remoteAddress);
  const trace: ScanStep[] = [];
  let selectedIndex = -1;
  let selectedRoaming = false;
  const exactBelow: string[] = [];
  tunnels.forEach((tunnel, index) => {
    const verdict = matchGateway(tunnel, endpoints);
    if (selectedIndex < 0) {
      if (verdict.matches) {
        selectedIndex = index;
        selectedRoaming = verdict.roaming;
        trace.push({ index, tunnel: tunnel.name, verdict: 'selected', reason: verdict.reason });
      } else {
        trace.push({ index, tunnel: tunnel.name, verdict: 'skipped', reason: verdict.reason });
      }
      return;
    }
    if (verdict.matches) {
      trace.push({
        index,
        tunnel: tunnel.name,
        verdict: 'shadowed',
        reason: `${verdict.reason}, but "${tunnels[selectedIndex]?.name ?? ''}" is above it`,
      });
      if (!verdict.roaming) exactBelow.push(tunnel.name);
    }
  });
  const selected = tunnels[selectedIndex];
  if (selected === undefined) {
    return {
      tunnel: undefined,
      record: record({
        phase: 'IKE_SA_INIT',
        outcome: 'none',
        tunnel: null,
        tunnelIndex: null,
        reason: `no enabled tunnel matches remote gateway ${remote} on ${canonicalEndpointAddress(endpoints.localAddress)}`,
        trace,
      }),
    };
  }
  let reason = selectedRoaming
    ? `"${selected.name}" is the first tunnel in the list matching ${remote}: remote endpoint none (roaming) matches any gateway`
    : `"${selected.name}" is the first tunnel in the list whose remote endpoint is ${remote}`;
  if (selectedRoaming && exactBelow.length > 0) {
    reason += `; ${exactBelow.map((name) => `"${name}"`).join(', ')} below it name${exactBelow.length === 1 ? 's' : ''} ${remote} exactly but ${exactBelow.length === 1 ? 'is' : 'are'} not reached here (IKE_AUTH re-selects only if the peer's identity does not match "${selected.name}")`;
  }
  return {
    tunnel: selected,
    record: record({ phase: 'IKE_SA_INIT', outcome: 'selected', tunnel: selected.name, tunnelIndex: selectedIndex, reason, trace }),
  };
}

/**
 * IKE_AUTH: re-select only when the peer's identity does not match the
 * selected tunnel's remote identity and does match another tunnel's (whose
 * gateway also matches), scanning in list order.
 */
export function reselectTunnelForAuth<T extends SelectableTunnel>(
  tunnels: readonly T[],
  selectedName: string,
  peerIdentity: PeerIdentity,
  endpoints: SelectionEndpoints,
  match: IdentityMatcher = matchIdentity,
): TunnelSelection<T> {
  const peer = describePeerIdentity(peerIdentity);
  const selectedIndex = tunnels.findIndex((tunnel) => tunnel.name === selectedName);
  const selected = tunnels[selectedIndex];
  const trace: ScanStep[] = [];
  if (selected !== undefined) {
    const verdict = match(selected.remoteId, peerIdentity);
    if (verdict.matched) {
      trace.push({ index: selectedIndex, tunnel: selected.name, verdict: 'selected', reason: verdict.reason });
      return {
        tunnel: selected,
        record: record({
          phase: 'IKE_AUTH',
          outcome: 'kept',
          tunnel: selected.name,
          tunnelIndex: selectedIndex,
          previousTunnel: selected.name,
          reason: `IDi ${peer} matches the remote identity of "${selected.name}" (${describeTunnelIdentity(selected.remoteId)}); selection kept`,
          trace,
        }),
      };
    }
    trace.push({ index: selectedIndex, tunnel: selected.name, verdict: 'skipped', reason: verdict.reason });
  }
  let switchedIndex = -1;
  tunnels.forEach((tunnel, index) => {
    if (index === selectedIndex || switchedIndex >= 0) return;
    const gateway = matchGateway(tunnel, endpoints);
    if (!gateway.matches) {
      trace.push({ index, tunnel: tunnel.name, verdict: 'skipped', reason: gateway.reason });
      return;
    }
    const identity = match(tunnel.remoteId, peerIdentity);
    if (!identity.matched) {
      trace.push({ index, tunnel: tunnel.name, verdict: 'skipped', reason: identity.reason });
      return;
    }
    switchedIndex = index;
    trace.push({ index, tunnel: tunnel.name, verdict: 'selected', reason: `${gateway.reason}; ${identity.reason}` });
  });
  trace.sort((a, b) => a.index - b.index);
  const switched = tunnels[switchedIndex];
  if (switched !== undefined) {
    return {
      tunnel: switched,
      record: record({
        phase: 'IKE_AUTH',
        outcome: 'switched',
        tunnel: switched.name,
        tunnelIndex: switchedIndex,
        previousTunnel: selectedName,
        reason: `IDi ${peer} does not match "${selectedName}" (${selected === undefined ? 'no such tunnel' : describeTunnelIdentity(selected.remoteId)}) but matches "${switched.name}" (${describeTunnelIdentity(switched.remoteId)}); re-selected`,
        trace,
      }),
    };
  }
  return {
    tunnel: selected,
    record: record({
      phase: 'IKE_AUTH',
      outcome: selected === undefined ? 'none' : 'kept-without-identity-match',
      tunnel: selected?.name ?? null,
      tunnelIndex: selected === undefined ? null : selectedIndex,
      previousTunnel: selectedName,
      reason:
        selected === undefined
          ? `IDi ${peer} matches no tunnel for this gateway`
          : `IDi ${peer} matches neither "${selected.name}" (${describeTunnelIdentity(selected.remoteId)}) nor any other tunnel for this gateway; the peer cannot be authenticated`,
      trace,
    }),
  };
}

/** A tunnel with its resolved networks, for traffic selector fitting. */
export interface TunnelWithNetworks<T extends SelectableTunnel = SelectableTunnel> {
  readonly tunnel: T & Pick<TunnelConfig, 'responderPolicy'>;
  readonly local: readonly IpNetwork[];
  readonly remote: readonly IpNetwork[];
}

export interface TrafficSelectorSelection<T extends SelectableTunnel> extends TunnelSelection<T & Pick<TunnelConfig, 'responderPolicy'>> {
  /** The accepted selectors and network pair, or the refusal (TS_UNACCEPTABLE). */
  readonly verdict: PairVerdict;
}

/**
 * CHILD_SA (as responder): among the tunnels sharing the IKE SA's peer
 * (gateway and identity match; the IKE SA's own tunnel always counts), the
 * one whose networks fit the proposed TSi/TSr best under its own
 * responder policy: exact before inside before narrowed; on a tie the IKE
 * SA's tunnel, then list order.
 */
export function selectTunnelForTrafficSelectors<T extends SelectableTunnel>(
  tunnels: readonly TunnelWithNetworks<T>[],
  ikeSaTunnelName: string,
  proposed: ProposedSelectors,
  peer: SelectionEndpoints & { readonly identity: PeerIdentity },
  match: IdentityMatcher = matchIdentity,
): TrafficSelectorSelection<T> {
  const trace: ScanStep[] = [];
  let best: { index: number; verdict: Extract<PairVerdict, { outcome: 'accepted' }> } | undefined;
  let ownRefusal: PairVerdict | undefined;
  const rank = (index: number, verdict: Extract<PairVerdict, { outcome: 'accepted' }>) =>
    SELECTOR_FIT_RANK[verdict.fit] * 2 + (tunnels[index]?.tunnel.name === ikeSaTunnelName ? 0 : 1);
  tunnels.forEach((candidate, index) => {
    const { tunnel } = candidate;
    const own = tunnel.name === ikeSaTunnelName;
    if (!own) {
      const gateway = matchGateway(tunnel, peer);
      if (!gateway.matches) {
        trace.push({ index, tunnel: tunnel.name, verdict: 'skipped', reason: gateway.reason });
        return;
      }
      const identity = match(tunnel.remoteId, peer.identity);
      if (!identity.matched) {
        trace.push({ index, tunnel: tunnel.name, verdict: 'skipped', reason: `another peer: ${identity.reason}` });
        return;
      }
    }
    const verdict = evaluateProposedSelectorsAsResponder(tunnel.responderPolicy, candidate, proposed);
    if (verdict.outcome === 'refused') {
      if (own) ownRefusal = verdict;
      trace.push({ index, tunnel: tunnel.name, verdict: 'skipped', reason: `${tunnel.responderPolicy} policy: ${verdict.reason}` });
      return;
    }
    trace.push({ index, tunnel: tunnel.name, verdict: 'candidate', reason: `${verdict.fit} fit (${tunnel.responderPolicy} policy): ${verdict.reason}` });
    if (best === undefined || rank(index, verdict) < rank(best.index, best.verdict)) best = { index, verdict };
  });
  const chosen = best;
  if (chosen === undefined) {
    const reason = `no tunnel sharing the IKE SA's peer accepts TSi ${proposed.tsi.length} / TSr ${proposed.tsr.length} selector(s): TS_UNACCEPTABLE`;
    return {
      tunnel: undefined,
      verdict: ownRefusal ?? { outcome: 'refused', notify: 'TS_UNACCEPTABLE', reason },
      record: record({
        phase: 'CHILD_SA',
        outcome: 'none',
        tunnel: null,
        tunnelIndex: null,
        previousTunnel: ikeSaTunnelName,
        reason: ownRefusal?.outcome === 'refused' ? `${reason}; "${ikeSaTunnelName}": ${ownRefusal.reason}` : reason,
        trace,
      }),
    };
  }
  const step = trace.find((entry) => entry.index === chosen.index);
  if (step !== undefined) trace[trace.indexOf(step)] = { ...step, verdict: 'selected' };
  const chosenTunnel = tunnels[chosen.index]?.tunnel;
  const moved = chosenTunnel?.name !== ikeSaTunnelName;
  return {
    tunnel: chosenTunnel,
    verdict: chosen.verdict,
    record: record({
      phase: 'CHILD_SA',
      outcome: 'selected',
      tunnel: chosenTunnel?.name ?? null,
      tunnelIndex: chosen.index,
      previousTunnel: ikeSaTunnelName,
      reason: moved
        ? `the proposed selectors fit "${chosenTunnel?.name ?? ''}" better (${chosen.verdict.fit}) than the IKE SA's tunnel "${ikeSaTunnelName}"; CHILD_SA moved`
        : `the proposed selectors fit "${ikeSaTunnelName}" (${chosen.verdict.fit})`,
      trace,
    }),
  };
}
