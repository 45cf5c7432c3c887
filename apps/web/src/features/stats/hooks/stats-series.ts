/**
 * Turns `ike -stat` samples (cumulative counters) into chart series: the
 * gauges as they are (SAs active) and the "done"/"failed" counters as
 * per-minute rates from consecutive samples. A counter that goes down (the
 * server restarted) starts a new baseline instead of a negative rate.
 */
import type { IkeStatCounterName, IkeStatCounters, StatsSample } from '../../../lib/api-types.ts';

export interface ChartPoint {
  time: number;
  [series: string]: number;
}

export function gaugeSeries(samples: StatsSample[], keys: readonly IkeStatCounterName[]): ChartPoint[] {
  return samples.map((sample) => {
    const point: ChartPoint = { time: sample.time };
    for (const key of keys) point[key] = sample.counters[key];
    return point;
  });
}

export function ratePerMinuteSeries(samples: StatsSample[], keys: readonly IkeStatCounterName[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (let i = 1; i < samples.length; i++) {
    const previous = samples[i - 1]!;
    const current = samples[i]!;
    const minutes = (current.time - previous.time) / 60_000;
    if (minutes <= 0) continue;
    const point: ChartPoint = { time: current.time };
    for (const key of keys) {
      const delta = current.counters[key] - previous.counters[key];
      point[key] = delta < 0 ? 0 : Math.round((delta / minutes) * 100) / 100;
    }
    points.push(point);
  }
  return points;
}

export function latestCounters(samples: StatsSample[]): IkeStatCounters | null {
  return samples[samples.length - 1]?.counters ?? null;
}
