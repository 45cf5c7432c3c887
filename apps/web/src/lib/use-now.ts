import { useEffect, useState, useSyncExternalStore } from 'react';

/** The current time, re-rendering every `periodMs` (countdowns, "ago" labels). */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

const secondListeners = new Set<() => void>();
let secondTimer: ReturnType<typeof setInterval> | null = null;
let secondNow = Date.now();

function subscribeSeconds(listener: () => void): () => void {
  secondListeners.add(listener);
  if (secondTimer === null) {
    secondTimer = setInterval(() => {
      secondNow = Date.now();
      for (const notify of secondListeners) notify();
    }, 1000);
  }
  return () => {
    secondListeners.delete(listener);
    if (secondListeners.size === 0 && secondTimer !== null) {
      clearInterval(secondTimer);
      secondTimer = null;
    }
  };
}

/** The current time from one shared one-second ticker (many countdown cells, one timer). */
export function useSecondTick(): number {
  return useSyncExternalStore(subscribeSeconds, () => secondNow);
}
