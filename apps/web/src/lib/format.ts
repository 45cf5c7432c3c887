/** Display formatting shared by the views: times, durations, endpoints. */
import type { EndpointView } from './api-types.ts';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** "2025-11-22 12:30:09" in the browser's zone (the snoop text carries the gateway's own). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "1h 02m", "4m 10s", "9s"; negative durations read "overdue". */
export function formatDuration(ms: number): string {
  if (ms < 0) return `overdue ${formatDuration(-ms)}`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

export function formatAgo(ms: number, now: number): string {
  return `${formatDuration(Math.max(0, now - ms))} ago`;
}

export function formatEndpoint(endpoint: EndpointView): string {
  return endpoint.address.includes(':') ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
}

/** SPIs as the server sends them (hex), normalised to 0x-prefixed lower case. */
export function formatSpi(spi: string): string {
  const hex = spi.replace(/^0x/i, '').toLowerCase();
  return `0x${hex}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
