import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, systemClock } from './clock.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('systemClock.setTimer', () => {
  it('fires a timer further away than setTimeout can wait at its instant, not at once', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const fired: number[] = [];
    const at = Date.now() + 365 * 86_400_000;
    expect(at - Date.now()).toBeGreaterThan(MAX_TIMEOUT_MS);
    systemClock.setTimer(at, () => fired.push(Date.now()));
    vi.advanceTimersByTime(10);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(364 * 86_400_000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(86_400_000);
    expect(fired).toEqual([at]);
  });

  it('cancels a far timer in any of its hops', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    let fired = false;
    const cancel = systemClock.setTimer(Date.now() + 100 * 86_400_000, () => (fired = true));
    vi.advanceTimersByTime(30 * 86_400_000);
    cancel();
    vi.advanceTimersByTime(100 * 86_400_000);
    expect(fired).toBe(false);
  });
});
