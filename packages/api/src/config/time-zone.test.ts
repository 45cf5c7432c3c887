import { describe, expect, it } from 'vitest';
import { formatGatewayDateTime, parseTimeZone } from './time-zone.ts';

const instant = Date.UTC(2025, 10, 22, 11, 30, 9);

describe('gateway time zone', () => {
  it('parses IANA names and UTC offsets', () => {
    expect(parseTimeZone('Europe/Stockholm')).toEqual({ kind: 'iana', name: 'Europe/Stockholm' });
    expect(parseTimeZone('UTC')).toEqual({ kind: 'offset', name: 'UTC', offsetMinutes: 0 });
    expect(parseTimeZone('UTC+01:00')).toEqual({ kind: 'offset', name: 'UTC+01:00', offsetMinutes: 60 });
    expect(parseTimeZone('-0530')).toEqual({ kind: 'offset', name: '-0530', offsetMinutes: -330 });
    expect(parseTimeZone('UTC+15')).toBeUndefined();
    expect(parseTimeZone('Mars/Olympus')).toBeUndefined();
  });

  it('formats an instant as the gateway\'s wall clock', () => {
    expect(formatGatewayDateTime(instant, 'UTC')).toBe('2025-11-22 11:30:09');
    expect(formatGatewayDateTime(instant, 'Europe/Stockholm')).toBe('2025-11-22 12:30:09');
    expect(formatGatewayDateTime(instant, 'UTC+01:00')).toBe('2025-11-22 12:30:09');
    expect(formatGatewayDateTime(instant, 'America/New_York')).toBe('2025-11-22 06:30:09');
    expect(formatGatewayDateTime(Date.UTC(2025, 6, 1, 0, 0, 0), 'Europe/Stockholm')).toBe('2025-07-01 02:00:00');
    expect(formatGatewayDateTime(Date.UTC(2025, 0, 1, 0, 0, 0), '-0530')).toBe('2024-12-31 18:30:00');
  });
});
