/** The counter history for a time range, extended live by the stream's stats snapshots while the range ends "now". */
import { useEffect, useState } from 'react';
import type { StatsSample } from '../../../lib/api-types.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamStats } from '../../../lib/stream-context.tsx';
import { fetchStatsHistory } from '../api/stats-api.ts';

export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type RangeName = keyof typeof RANGES;

export function useStatsHistory(range: RangeName): { samples: StatsSample[] | null; intervalMs: number | null; error: string | null } {
  const [samples, setSamples] = useState<StatsSample[] | null>(null);
  const [intervalMs, setIntervalMs] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const to = Date.now();
    setSamples(null);
    fetchStatsHistory(to - RANGES[range], to, controller.signal)
      .then((answer) => {
        setSamples([...answer.items].sort((a, b) => a.time - b.time));
        setIntervalMs(answer.intervalMs);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(describeError(err));
      });
    return () => controller.abort();
  }, [range]);

  useStreamStats(10, (counters, time) => {
    setSamples((current) => {
      if (current === null) return current;
      const cutoff = time - RANGES[range];
      return [...current.filter((sample) => sample.time >= cutoff), { time, counters }];
    });
  });

  return { samples, intervalMs, error };
}
