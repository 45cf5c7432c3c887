/**
 * Periodic work: counter history samples, retention, expired sessions and
 * key-capture windows.
 */
import type { IkeStatCounters } from '../contract.ts';
import type { RetentionLimits } from '../store/event-repo.ts';
import type { Store } from '../store/store.ts';
import type { EventRecorder } from './event-recorder.ts';

export interface HousekeepingOptions {
  statsIntervalMs: number;
  pruneIntervalMs: number;
  retention: RetentionLimits;
}

export const DEFAULT_RETENTION: RetentionLimits = {
  eventsMaxRows: 1_000_000,
  eventsMaxAgeMs: 30 * 86_400_000,
  datagramsMaxRows: 500_000,
  datagramsMaxAgeMs: 30 * 86_400_000,
  statsMaxAgeMs: 90 * 86_400_000,
};

export class Housekeeping {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    private readonly stats: () => IkeStatCounters,
    private readonly options: HousekeepingOptions,
    private readonly onExpiredKeyCapture: (tunnel: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.sampleStats();
    const sample = setInterval(() => this.sampleStats(), this.options.statsIntervalMs);
    const prune = setInterval(() => this.prune(), this.options.pruneIntervalMs);
    sample.unref();
    prune.unref();
    this.timers.push(sample, prune);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  sampleStats(now = Date.now()): void {
    try {
      this.store.events.insertStatsSample(now, this.stats());
    } catch (err) {
      this.onError(err);
    }
  }

  prune(now = Date.now()): void {
    try {
      this.recorder.flush();
      this.store.events.prune(this.options.retention, now);
      this.store.auth.pruneSessions(now);
      for (const tunnel of this.store.settings.expireKeyCaptures(now)) this.onExpiredKeyCapture(tunnel);
    } catch (err) {
      this.onError(err);
    }
  }
}
