/**
 * Regression: a timer that fires a little before its due time (Node's
 * setTimeout runs on the loop's monotonic clock, so `Date.now()` can read
 * 1 ms short of the due time) makes the handler find it "not due yet" and
 * re-arm the same key at the same instant. The core used to report no timer
 * change for that (the key was armed at that instant before the input), so
 * the shell, which had already dropped the fired timer, never armed it again:
 * DPD went quiet for good. Seen against strongSwan in the interop suite
 * (packages/test-utils/src/interop/lifecycle.test.ts, "charon frozen").
 */
import { expect, it } from 'vitest';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import type { Clock } from '../io/clock.ts';
import { seededEntropy } from '../ike/entropy.ts';
import type { GatewayEvent } from '../ike/core-io.ts';
import { A_ADDRESS, B_ADDRESS, gatewayConfig, ofType, pairTunnels } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';

/** A Clock whose timers fire 1 ms early when they can (as setTimeout vs Date.now() can), else on time. */
class EarlyClock implements Clock {
  constructor(readonly manual: ManualClock) {}

  now(): number {
    return this.manual.now();
  }

  setTimer(at: number, callback: () => void): () => void {
    const early = at - 1 > this.manual.now() ? at - 1 : at;
    return this.manual.setTimer(early, callback);
  }
}

it('DPD keeps probing when its timer fires 1 ms early', async () => {
  const manual = new ManualClock();
  const clock = new EarlyClock(manual);
  const network = new MemoryNetwork();
  const { a, b } = pairTunnels({ a: { dpd: { enabled: true, intervalSeconds: 2, timeoutSeconds: 10 } } });
  const gatewayA = new IkeGateway({ config: gatewayConfig([a]), transport: new MemoryTransport(network, [A_ADDRESS], 500, 4500), clock, entropy: seededEntropy('early-a') });
  const gatewayB = new IkeGateway({ config: gatewayConfig([b]), transport: new MemoryTransport(network, [B_ADDRESS], 500, 4500), clock, entropy: seededEntropy('early-b') });
  const events: GatewayEvent[] = [];
  gatewayA.subscribe((e) => events.push(e));
  await gatewayA.start();
  await gatewayB.start();
  gatewayA.snoop.setMode('brief');
  gatewayA.initiate('ab');
  network.deliverAll();
  expect(gatewayA.listIkeSas()[0]?.state).toBe('established');

  for (let elapsed = 0; elapsed < 20_000; elapsed += 100) {
    manual.advance(100);
    network.deliverAll();
  }
  const probes = ofType(events, 'snoop.message').filter((e) => e.direction === 'out' && e.summary.startsWith('INFORMATIONAL request'));
  // One probe per 2 s interval of peer silence: about 9 in 20 s (none would be sent with the lost timer).
  expect(probes.length).toBeGreaterThanOrEqual(8);
  expect(gatewayA.pendingTimers().map((t) => t.key)).toContain('ike-1/dpd');
  await gatewayA.stop();
  await gatewayB.stop();
});
