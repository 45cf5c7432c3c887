/**
 * A Clock whose time moves only when a test says so. `advance(ms)` runs every
 * timer that falls due, in time order, each with `now()` equal to its due
 * time, including timers set by callbacks while advancing.
 */
import type { Clock } from '@tunnelscope/engine';

interface PendingTimer {
  id: number;
  at: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ id, at, callback });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Number of timers not yet run. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running due timers in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      let due: PendingTimer | undefined;
      for (const t of this.timers) {
        if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t;
      }
      if (!due) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = Math.max(this.current, target);
  }

  /** Runs timers due now without moving time. */
  flush(): void {
    this.advanceTo(this.current);
  }
}
