import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SA_LIFECYCLE_EVENT_TYPES, type IkeStatCounters, type SaLifecycleEventType } from '@tunnelscope/api';
import { IKE_STAT_EVENT_DELTAS, IKE_STAT_ROWS, applyEvent, countEvents, emptyIkeStatCounters } from './ike-stat-counters.ts';

interface LoggedEvent {
  readonly type: SaLifecycleEventType;
  /** The SA the event is about (IKE SA id or CHILD_SA id). */
  readonly sa: string;
  /** For rekeyed events: the replacement. */
  readonly replacement?: string;
}

type SaState = 'negotiating' | 'up' | 'up-rekeying' | 'failed' | 'down' | 'replaced';

/**
 * An independent recount: replay the log per SA as a state machine and
 * count the states at the end, plus the outcomes seen along the way.
 */
function recount(log: readonly LoggedEvent[]): IkeStatCounters {
  const counters = emptyIkeStatCounters();
  const states = { ike: new Map<string, SaState>(), child: new Map<string, SaState>() };
  for (const event of log) {
    const [family] = event.type.split('.') as ['ike' | 'child'];
    const map = states[family];
    const prefix = family === 'ike' ? 'ike' : 'ipsec';
    const action = event.type.slice(family.length + 1);
    switch (action) {
      case 'negotiation.started':
        map.set(event.sa, 'negotiating');
        break;
      case 'sa.up':
        map.set(event.sa, 'up');
        counters[`${prefix}NegotiationsDone`]++;
        break;
      case 'negotiation.failed':
        map.set(event.sa, 'failed');
        counters[`${prefix}NegotiationsFailed`]++;
        break;
      case 'sa.down':
        map.set(event.sa, 'down');
        break;
      case 'rekey.started':
        map.set(event.sa, 'up-rekeying');
        break;
      case 'sa.rekeyed':
        map.set(event.sa, 'replaced');
        map.set(event.replacement ?? '', 'up');
        counters[`${prefix}RekeysDone`]++;
        break;
      case 'rekey.failed':
        map.set(event.sa, 'up');
        counters[`${prefix}RekeysFailed`]++;
        break;
    }
  }
  for (const [family, map] of Object.entries(states) as ['ike' | 'child', Map<string, SaState>][]) {
    const prefix = family === 'ike' ? 'ike' : 'ipsec';
    for (const state of map.values()) {
      if (state === 'up' || state === 'up-rekeying') counters[family === 'ike' ? 'ikeSasActive' : 'ipsecSasActive']++;
      if (state === 'negotiating') counters[`${prefix}NegotiationsActive`]++;
      if (state === 'up-rekeying') counters[`${prefix}RekeysActive`]++;
    }
  }
  return counters;
}

/** Valid event logs: many SAs, each following the lifecycle contract, interleaved. */
const lifecycleLog = fc
  .array(
    fc.record({
      family: fc.constantFrom('ike', 'child'),
      outcome: fc.constantFrom('up', 'failed', 'pending'),
      rekeys: fc.array(fc.constantFrom('done', 'failed', 'pending'), { maxLength: 3 }),
      down: fc.boolean(),
    }),
    { maxLength: 12 },
  )
  .chain((lives) => {
    const scripts = lives.map((life, index) => {
      const events: LoggedEvent[] = [];
      let sa = `${life.family}-${index}`;
      const t = (suffix: string) => `${life.family}.${suffix}` as SaLifecycleEventType;
      events.push({ type: t('negotiation.started'), sa });
      if (life.outcome === 'failed') events.push({ type: t('negotiation.failed'), sa });
      if (life.outcome !== 'up') return events;
      events.push({ type: t('sa.up'), sa });
      for (const [round, rekey] of life.rekeys.entries()) {
        events.push({ type: t('rekey.started'), sa });
        if (rekey === 'pending') return events;
        if (rekey === 'failed') events.push({ type: t('rekey.failed'), sa });
        else {
          const replacement = `${sa}/r${round}`;
          events.push({ type: t('sa.rekeyed'), sa, replacement });
          sa = replacement;
        }
      }
      if (life.down) events.push({ type: t('sa.down'), sa });
      return events;
    });
    // Interleave the scripts in a random order, keeping each script's own order.
    const picks = scripts.flatMap((script, index) => script.map(() => index));
    return fc.shuffledSubarray(picks, { minLength: picks.length, maxLength: picks.length }).map((order) => {
      const cursors = scripts.map(() => 0);
      return order.map((index) => {
        const event = scripts[index]?.[cursors[index] ?? 0];
        cursors[index] = (cursors[index] ?? 0) + 1;
        if (event === undefined) throw new Error('interleave');
        return event;
      });
    });
  });

describe('ike -stat counters', () => {
  it('have one delta table entry per lifecycle event type and one row per counter', () => {
    expect(Object.keys(IKE_STAT_EVENT_DELTAS).sort()).toEqual([...SA_LIFECYCLE_EVENT_TYPES].sort());
    expect(IKE_STAT_ROWS.map((row) => row.counter).sort()).toEqual(Object.keys(emptyIkeStatCounters()).sort());
  });

  it('count an IKE SA established with its first CHILD_SA as one IKE and one IPsec negotiation done', () => {
    const counters = countEvents([
      { type: 'ike.negotiation.started' },
      { type: 'ike.sa.up' },
      { type: 'child.negotiation.started' },
      { type: 'child.sa.up' },
    ]);
    expect(counters).toMatchObject({
      ikeSasActive: 1,
      ikeNegotiationsActive: 0,
      ikeNegotiationsDone: 1,
      ipsecSasActive: 1,
      ipsecNegotiationsDone: 1,
    });
  });

  it('count a rekey as a rekey, not a negotiation, and keep the SA count', () => {
    const up = countEvents([{ type: 'ike.negotiation.started' }, { type: 'ike.sa.up' }]);
    const rekeyed = countEvents([{ type: 'ike.rekey.started' }, { type: 'ike.sa.rekeyed' }], up);
    expect(rekeyed).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ikeRekeysDone: 1, ikeRekeysActive: 0 });
  });

  it('ignore events that are not SA lifecycle events', () => {
    const counters = emptyIkeStatCounters();
    expect(applyEvent(counters, { type: 'tunnel.selected' })).toBe(counters);
  });

  it('equal a recount from the event log for any valid event sequence', () => {
    fc.assert(
      fc.property(lifecycleLog, (log) => {
        expect(countEvents(log)).toEqual(recount(log));
      }),
      { numRuns: 300 },
    );
  });

  it('never go negative, whatever the sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SA_LIFECYCLE_EVENT_TYPES), { maxLength: 60 }), (types) => {
        let counters = emptyIkeStatCounters();
        for (const type of types) {
          counters = applyEvent(counters, { type });
          for (const value of Object.values(counters)) expect(value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
