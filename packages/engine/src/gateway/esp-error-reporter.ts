/**
 * ESP failures (unknown SPI, integrity, replay, padding, length, truncated)
 * counted per peer address and code, and published as `dataplane.esp.error`
 * at most once per `intervalMs` for each (peer, code), each event carrying
 * the running count. A flood of bad ESP (a peer still sending on an SA we
 * deleted, seed 13.6.6 #3 / 13.6.7) costs one event per interval, while the
 * counters stay exact.
 */
import type { EspErrorEvent } from '@tunnelscope/api';
import type { Endpoint } from '../io/transport.ts';

export type EspErrorCode = EspErrorEvent['code'];

export interface EspErrorReport {
  code: EspErrorCode;
  spi: number;
  local: Endpoint;
  remote: Endpoint;
  tunnel: string | null;
  childSaId?: string;
  message: string;
}

interface PeerCodeState {
  count: number;
  lastPublishedAt: number;
}

export const DEFAULT_ESP_ERROR_INTERVAL_MS = 10_000;

export class EspErrorReporter {
  private readonly byPeerCode = new Map<string, PeerCodeState>();
  private readonly totals = new Map<EspErrorCode, number>();

  constructor(private readonly intervalMs = DEFAULT_ESP_ERROR_INTERVAL_MS) {}

  /** Counts the failure; returns the event to publish, or undefined inside the interval. */
  report(report: EspErrorReport, now: number): EspErrorEvent | undefined {
    this.totals.set(report.code, (this.totals.get(report.code) ?? 0) + 1);
    const key = `${report.remote.address}|${report.code}`;
    let state = this.byPeerCode.get(key);
    if (!state) {
      state = { count: 0, lastPublishedAt: Number.NEGATIVE_INFINITY };
      this.byPeerCode.set(key, state);
    }
    state.count++;
    if (now - state.lastPublishedAt < this.intervalMs) return undefined;
    state.lastPublishedAt = now;
    return {
      type: 'dataplane.esp.error',
      time: now,
      code: report.code,
      spi: `0x${(report.spi >>> 0).toString(16).padStart(8, '0')}`,
      local: { address: report.local.address, port: report.local.port },
      remote: { address: report.remote.address, port: report.remote.port },
      tunnel: report.tunnel,
      ...(report.childSaId !== undefined ? { childSaId: report.childSaId } : {}),
      count: state.count,
      message: report.message,
    };
  }

  /** Failures so far by code (every one, published or not). */
  totalsByCode(): Partial<Record<EspErrorCode, number>> {
    return Object.fromEntries(this.totals);
  }

  /** Failures so far from one peer address for one code. */
  countFor(peerAddress: string, code: EspErrorCode): number {
    return this.byPeerCode.get(`${peerAddress}|${code}`)?.count ?? 0;
  }
}
