/**
 * Time facts for certificate findings (seed 13.6.2: "Check that the system
 * date and time is set correctly", "Consider time-zone issues"): instants
 * shown in UTC and in the gateway's configured zone, and the test for a
 * notBefore that lies ahead of the gateway clock by about a whole-hour zone
 * offset (a CA, or this gateway, with local time taken for UTC).
 *
 * Validity itself is always judged in UTC (RFC 5280 §4.1.2.5); the zone is
 * only for showing times the way the operator reads them.
 */
import { formatGatewayDateTime, parseTimeZone } from '@tunnelscope/api';

/** Parses an instant given as ms since the epoch or as an ISO 8601 / RFC 2822 date string. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** "2026-01-01 12:00:00 UTC". */
export function formatUtc(ms: number): string {
  return `${formatGatewayDateTime(ms, 'UTC')} UTC`;
}

/**
 * The instant in the configured zone, read exactly as the engine reads it
 * (an IANA name, "UTC+01:00", "+0530"), e.g. "2026-01-01 13:00:00
 * Europe/Stockholm"; UTC when the zone is not one the engine accepts.
 */
export function formatInZone(ms: number, zone: string): string {
  if (zone.trim() === '' || parseTimeZone(zone) === undefined) return formatUtc(ms);
  const spec = parseTimeZone(zone)!;
  if (spec.kind === 'offset' && spec.offsetMinutes === 0) return formatUtc(ms);
  return `${formatGatewayDateTime(ms, zone)} ${zone}`;
}

/** How far ahead of the gateway clock a notBefore lies, and whether that is a whole-hour zone offset (1..14 h, within 10 minutes). */
export interface ClockSkew {
  readonly aheadMs: number;
  /** The whole number of hours, when the skew looks like a time-zone offset. */
  readonly zoneLikeHours: number | null;
}

const ZONE_TOLERANCE_MS = 10 * 60_000;

export function skewAhead(notBefore: number, gatewayNow: number): ClockSkew {
  const aheadMs = notBefore - gatewayNow;
  const hours = Math.round(aheadMs / 3_600_000);
  const zoneLike = hours >= 1 && hours <= 14 && Math.abs(aheadMs - hours * 3_600_000) <= ZONE_TOLERANCE_MS;
  return { aheadMs, zoneLikeHours: zoneLike ? hours : null };
}

/** "1 h 2 min", "3 days". */
export function describeDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 2 * 86_400_000) return `${Math.round(abs / 86_400_000)} days`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.round((abs % 3_600_000) / 60_000);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}
