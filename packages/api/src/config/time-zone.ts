/**
 * The gateway's time zone: an IANA name ("Europe/Stockholm") or a fixed
 * UTC offset ("UTC", "UTC+01:00", "+0530"). Every timestamp the CLI prints
 * (snoop lines, certificate validity) is rendered in it, so a clock or
 * zone mistake (seed 13.6.2) shows in the output the operator reads.
 */

export type TimeZoneSpec =
  | { readonly kind: 'offset'; readonly name: string; readonly offsetMinutes: number }
  | { readonly kind: 'iana'; readonly name: string };

const OFFSET_PATTERN = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function ianaFormatter(name: string): Intl.DateTimeFormat | undefined {
  const cached = formatterCache.get(name);
  if (cached !== undefined) return cached;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatterCache.set(name, formatter);
    return formatter;
  } catch {
    return undefined;
  }
}

/** Undefined if `text` is neither a UTC offset nor an IANA zone this runtime knows. */
export function parseTimeZone(text: string): TimeZoneSpec | undefined {
  const trimmed = text.trim();
  if (/^(UTC|GMT|Z)$/i.test(trimmed)) return { kind: 'offset', name: 'UTC', offsetMinutes: 0 };
  const offset = OFFSET_PATTERN.exec(trimmed);
  if (offset !== null) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    if (hours > 14 || minutes > 59) return undefined;
    const sign = offset[1] === '-' ? -1 : 1;
    return { kind: 'offset', name: trimmed, offsetMinutes: sign * (hours * 60 + minutes) };
  }
  if (trimmed.includes('/') || /^[A-Za-z]+$/.test(trimmed)) {
    return ianaFormatter(trimmed) === undefined ? undefined : { kind: 'iana', name: trimmed };
  }
  return undefined;
}

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Wall-clock fields of `epochMs` in `timeZone`; an unknown zone falls back to UTC. */
export function localDateTime(epochMs: number, timeZone: string): LocalDateTime {
  const spec = parseTimeZone(timeZone) ?? { kind: 'offset', name: 'UTC', offsetMinutes: 0 };
  if (spec.kind === 'offset') {
    const shifted = new Date(epochMs + spec.offsetMinutes * 60_000);
    return {
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
      hour: shifted.getUTCHours(),
      minute: shifted.getUTCMinutes(),
      second: shifted.getUTCSeconds(),
    };
  }
  const parts = ianaFormatter(spec.name)?.formatToParts(new Date(epochMs)) ?? [];
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "2025-11-22" */
export function formatGatewayDate(epochMs: number, timeZone: string): string {
  const t = localDateTime(epochMs, timeZone);
  return `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}`;
}

/** "12:30:09" */
export function formatGatewayTime(epochMs: number, timeZone: string): string {
  const t = localDateTime(epochMs, timeZone);
  return `${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** "2025-11-22 12:30:09", the seed's snoop timestamp. */
export function formatGatewayDateTime(epochMs: number, timeZone: string): string {
  return `${formatGatewayDate(epochMs, timeZone)} ${formatGatewayTime(epochMs, timeZone)}`;
}
