/**
 * The `ike -stat` counters (seed 13.6.3), computed from the engine's SA
 * lifecycle events. Rules as data: `IKE_STAT_ROWS` is the table's rows in
 * the seed's order, `IKE_STAT_EVENT_DELTAS` says what each event type does
 * to which counter. A rekey is not a negotiation; an IKE SA established
 * with its first CHILD_SA is one IKE negotiation done plus one IPsec
 * negotiation done (the daemon emits both lifecycles; see the contract in
 * @tunnelscope/api engine-events.ts).
 */
import type { IkeStatCounterName, IkeStatCounters, SaLifecycleEvent, SaLifecycleEventType } from '@tunnelscope/api';

export interface IkeStatRow {
  readonly counter: IkeStatCounterName;
  /** The label as the seed prints it. */
  readonly label: string;
  readonly group: 'ike' | 'ipsec';
  /** "active" counters go up and down; the others only up. */
  readonly kind: 'active' | 'total';
}

export const IKE_STAT_ROWS: readonly IkeStatRow[] = [
  { counter: 'ikeSasActive', label: 'IKE SAs active', group: 'ike', kind: 'active' },
  { counter: 'ikeNegotiationsActive', label: 'IKE SA negotiations active', group: 'ike', kind: 'active' },
  { counter: 'ikeNegotiationsDone', label: 'IKE SA negotiations done', group: 'ike', kind: 'total' },
  { counter: 'ikeNegotiationsFailed', label: 'IKE SA negotiations failed', group: 'ike', kind: 'total' },
  { counter: 'ikeRekeysActive', label: 'IKE SA rekeys active', group: 'ike', kind: 'active' },
  { counter: 'ikeRekeysDone', label: 'IKE SA rekeys done', group: 'ike', kind: 'total' },
  { counter: 'ikeRekeysFailed', label: 'IKE SA rekeys failed', group: 'ike', kind: 'total' },
  { counter: 'ipsecSasActive', label: 'IPsec SAs active', group: 'ipsec', kind: 'active' },
  { counter: 'ipsecNegotiationsActive', label: 'IPsec SA negotiations active', group: 'ipsec', kind: 'active' },
  { counter: 'ipsecNegotiationsDone', label: 'IPsec SA negotiations done', group: 'ipsec', kind: 'total' },
  { counter: 'ipsecNegotiationsFailed', label: 'IPsec SA negotiations failed', group: 'ipsec', kind: 'total' },
  { counter: 'ipsecRekeysActive', label: 'IPsec SA rekeys active', group: 'ipsec', kind: 'active' },
  { counter: 'ipsecRekeysDone', label: 'IPsec SA rekeys done', group: 'ipsec', kind: 'total' },
  { counter: 'ipsecRekeysFailed', label: 'IPsec SA rekeys failed', group: 'ipsec', kind: 'total' },
];

export type CounterDeltas = Readonly<Partial<Record<IkeStatCounterName, 1 | -1>>>;

/** What each lifecycle event does to the counters. */
export const IKE_STAT_EVENT_DELTAS: Readonly<Record<SaLifecycleEventType, CounterDeltas>> = {
  'ike.negotiation.started': { ikeNegotiationsActive: 1 },
  'ike.sa.up': { ikeNegotiationsActive: -1, ikeNegotiationsDone: 1, ikeSasActive: 1 },
  'ike.negotiation.failed': { ikeNegotiationsActive: -1, ikeNegotiationsFailed: 1 },
  'ike.sa.down': { ikeSasActive: -1 },
  'ike.rekey.started': { ikeRekeysActive: 1 },
  // The new IKE SA replaces the old one: IKE SAs active is unchanged.
  'ike.sa.rekeyed': { ikeRekeysActive: -1, ikeRekeysDone: 1 },
  'ike.rekey.failed': { ikeRekeysActive: -1, ikeRekeysFailed: 1 },
  'child.negotiation.started': { ipsecNegotiationsActive: 1 },
  'child.sa.up': { ipsecNegotiationsActive: -1, ipsecNegotiationsDone: 1, ipsecSasActive: 1 },
  'child.negotiation.failed': { ipsecNegotiationsActive: -1, ipsecNegotiationsFailed: 1 },
  'child.sa.down': { ipsecSasActive: -1 },
  'child.rekey.started': { ipsecRekeysActive: 1 },
  'child.sa.rekeyed': { ipsecRekeysActive: -1, ipsecRekeysDone: 1 },
  'child.rekey.failed': { ipsecRekeysActive: -1, ipsecRekeysFailed: 1 },
};

export function emptyIkeStatCounters(): IkeStatCounters {
  return {
    ikeSasActive: 0,
    ikeNegotiationsActive: 0,
    ikeNegotiationsDone: 0,
    ikeNegotiationsFailed: 0,
    ikeRekeysActive: 0,
    ikeRekeysDone: 0,
    ikeRekeysFailed: 0,
    ipsecSasActive: 0,
    ipsecNegotiationsActive: 0,
    ipsecNegotiationsDone: 0,
    ipsecNegotiationsFailed: 0,
    ipsecRekeysActive: 0,
    ipsecRekeysDone: 0,
    ipsecRekeysFailed: 0,
  };
}

function isLifecycleType(type: string): type is SaLifecycleEventType {
  return Object.hasOwn(IKE_STAT_EVENT_DELTAS, type);
}

/**
 * The counters after `event`. Pure. Events that are not SA lifecycle
 * events leave the counters unchanged. A counter never goes below zero: an
 * outcome without its `started` (a daemon bug, or counters reset while SAs
 * were up) is clamped rather than shown as a negative count.
 */
export function applyEvent(counters: IkeStatCounters, event: { readonly type: string }): IkeStatCounters {
  if (!isLifecycleType(event.type)) return counters;
  const next = { ...counters };
  for (const [counter, delta] of Object.entries(IKE_STAT_EVENT_DELTAS[event.type]) as [IkeStatCounterName, 1 | -1][]) {
    next[counter] = Math.max(0, next[counter] + delta);
  }
  return next;
}

export function countEvents(events: Iterable<Pick<SaLifecycleEvent, 'type'> | { readonly type: string }>, start = emptyIkeStatCounters()): IkeStatCounters {
  let counters = start;
  for (const event of events) counters = applyEvent(counters, event);
  return counters;
}
