import { describe, expect, it } from 'vitest';
import { describeDuration, formatInZone, formatUtc, instantOf, skewAhead } from './certificate-time.ts';

const at = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('certificate time facts', () => {
  it('shows an instant in UTC and in the gateway zone, every zone form the engine accepts', () => {
    expect(formatUtc(at)).toBe('2026-01-01 12:00:00 UTC');
    expect(formatInZone(at, 'Europe/Stockholm')).toBe('2026-01-01 13:00:00 Europe/Stockholm');
    expect(formatInZone(at, 'UTC+01:00')).toBe('2026-01-01 13:00:00 UTC+01:00');
    expect(formatInZone(at, '+0530')).toBe('2026-01-01 17:30:00 +0530');
    expect(formatInZone(at, 'GMT-3')).toBe('2026-01-01 09:00:00 GMT-3');
    expect(formatInZone(at, 'UTC')).toBe('2026-01-01 12:00:00 UTC');
    expect(formatInZone(at, 'Mars/Olympus')).toBe('2026-01-01 12:00:00 UTC');
  });

  it('calls a notBefore a whole-hour zone offset ahead only within ten minutes of it', () => {
    expect(skewAhead(at + 3_600_000 + 5 * 60_000, at)).toEqual({ aheadMs: 3_900_000, zoneLikeHours: 1 });
    expect(skewAhead(at + 3_600_000 + 20 * 60_000, at).zoneLikeHours).toBeNull();
    expect(skewAhead(at + 15 * 3_600_000, at).zoneLikeHours).toBeNull();
    expect(skewAhead(at - 3_600_000, at).zoneLikeHours).toBeNull();
  });

  it('parses instants and describes durations', () => {
    expect(instantOf('2026-01-01T12:00:00Z')).toBe(at);
    expect(instantOf(at)).toBe(at);
    expect(instantOf('not a date')).toBeUndefined();
    expect(describeDuration(62 * 60_000)).toBe('1 h 2 min');
    expect(describeDuration(3 * 86_400_000)).toBe('3 days');
  });
});
