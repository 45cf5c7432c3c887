/**
 * One snoop line as the view holds it, from a history entry (REST) or a
 * live `snoop.message` event (stream). `text` is the server's rendering,
 * shown verbatim; the other fields drive filters and the structured view.
 */
import type { EndpointView, SnoopEntry, StoredEvent } from '../../../lib/api-types.ts';

export interface SnoopLine {
  /** Stable key: the first stored datagram id when known, else the event id. */
  key: string;
  datagramId: number | null;
  eventId: number | null;
  time: number;
  direction: 'in' | 'out';
  local: EndpointView | null;
  remote: EndpointView | null;
  tunnel: string | null;
  exchange: string | null;
  messageId: number | null;
  response: boolean | null;
  /** Error notifies the message carries (short or long names). */
  errorCodes: string[];
  summary: string;
  text: string;
  /** Lines in `text` (rows have a fixed height per text line, so the list never measures the DOM). */
  textLines: number;
}

export function countTextLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** strongSwan short names of the error notifies (types below 16384), and their RFC names. */
export const ERROR_NOTIFY_NAMES = new Set([
  'CRIT', 'INVAL_IKE_SPI', 'INVAL_MAJOR', 'INVAL_SYN', 'INVAL_MID', 'INVAL_SPI', 'NO_PROP', 'PLD_MAL', 'INVAL_KE',
  'INVAL_ID', 'INVAL_CERTEN', 'INVAL_CERT', 'CERT_UNSUP', 'INVAL_CA', 'INVAL_HASH', 'AUTH_FAILED', 'SINGLE_PAIR',
  'NO_ADD_SAS', 'INT_ADDR_FAIL', 'FAIL_CP_REQ', 'TS_UNACCEPT', 'INVAL_SEL', 'UNACCEPT_ADDR', 'UNEXPECT_NAT',
  'TEMP_FAIL', 'NO_CHILD_SA',
  'UNSUPPORTED_CRITICAL_PAYLOAD', 'INVALID_IKE_SPI', 'INVALID_MAJOR_VERSION', 'INVALID_SYNTAX', 'INVALID_MESSAGE_ID',
  'INVALID_SPI', 'NO_PROPOSAL_CHOSEN', 'INVALID_KE_PAYLOAD', 'AUTHENTICATION_FAILED', 'TS_UNACCEPTABLE',
  'INVALID_SELECTORS', 'TEMPORARY_FAILURE', 'CHILD_SA_NOT_FOUND',
]);

const SUMMARY_PATTERN = /^(\S+) (request|response) (\d+) \[(.*)\]\s*$/;

export interface ParsedSummary {
  exchange: string | null;
  response: boolean | null;
  messageId: number | null;
  payloads: string[];
  errorCodes: string[];
}

/** Reads `IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) ]` (strongSwan's brief notation). */
export function parseSummary(summary: string): ParsedSummary {
  const flat = summary.replace(/\s+/g, ' ').trim();
  const match = SUMMARY_PATTERN.exec(flat);
  if (!match) return { exchange: null, response: null, messageId: null, payloads: [], errorCodes: [] };
  const payloads = (match[4] ?? '').trim().split(' ').filter((p) => p !== '');
  const errorCodes = payloads
    .map((p) => /^N\((.+)\)$/.exec(p)?.[1])
    .filter((name): name is string => name !== undefined && ERROR_NOTIFY_NAMES.has(name));
  return { exchange: match[1] ?? null, response: match[2] === 'response', messageId: Number(match[3]), payloads, errorCodes };
}

/** The summary part of a rendered snoop text: the lines after the SNOOP header, joined. */
export function summaryFromText(text: string): string {
  const lines = text.split('\n');
  const summaryLines: string[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith(' ')) break;
    summaryLines.push(line.trim());
    if (line.trim().endsWith(']')) break;
  }
  return summaryLines.join(' ');
}

export function lineFromEntry(entry: SnoopEntry): SnoopLine {
  const summary = summaryFromText(entry.text);
  const parsed = parseSummary(summary);
  return {
    key: `d${entry.id}`,
    datagramId: entry.id,
    eventId: null,
    time: entry.time,
    direction: entry.direction,
    local: entry.local,
    remote: entry.remote,
    tunnel: entry.tunnel,
    exchange: entry.exchange ?? parsed.exchange,
    messageId: entry.messageId ?? parsed.messageId,
    response: entry.response ?? parsed.response,
    errorCodes: entry.errorCodes.length > 0 ? entry.errorCodes : parsed.errorCodes,
    summary,
    text: entry.text,
    textLines: countTextLines(entry.text),
  };
}

function endpointOf(value: unknown): EndpointView | null {
  if (typeof value !== 'object' || value === null) return null;
  const { address, port } = value as Record<string, unknown>;
  return typeof address === 'string' && typeof port === 'number' ? { address, port } : null;
}

/** A live `snoop.message` event; null for other event types. */
export function lineFromEvent(event: StoredEvent): SnoopLine | null {
  if (event.type !== 'snoop.message') return null;
  const payload = event.event;
  const summary = typeof payload['summary'] === 'string' ? payload['summary'] : event.text !== null ? summaryFromText(event.text) : '';
  const datagramIds = Array.isArray(payload['datagramIds']) ? payload['datagramIds'].filter((id): id is number => typeof id === 'number') : [];
  const parsed = parseSummary(summary);
  const datagramId = datagramIds[0] ?? null;
  return {
    key: datagramId !== null ? `d${datagramId}` : `e${event.id}`,
    datagramId,
    eventId: event.id,
    time: event.time,
    direction: payload['direction'] === 'out' ? 'out' : 'in',
    local: endpointOf(payload['local']),
    remote: endpointOf(payload['remote']),
    tunnel: event.tunnel ?? (typeof payload['tunnel'] === 'string' ? payload['tunnel'] : null),
    exchange: parsed.exchange,
    messageId: parsed.messageId,
    response: parsed.response,
    errorCodes: parsed.errorCodes,
    summary,
    text: event.text ?? summary,
    textLines: countTextLines(event.text ?? summary),
  };
}

export interface SnoopFilters {
  peer: string;
  tunnel: string;
  exchange: string;
  /** '' all, 'any' only messages carrying an error notify, or one notify name. */
  error: string;
  q: string;
}

export function lineMatches(line: SnoopLine, filters: SnoopFilters): boolean {
  if (filters.peer !== '' && line.remote?.address !== filters.peer) return false;
  if (filters.tunnel !== '' && line.tunnel !== filters.tunnel) return false;
  if (filters.exchange !== '' && line.exchange !== filters.exchange) return false;
  if (filters.error === 'any' && line.errorCodes.length === 0) return false;
  if (filters.error !== '' && filters.error !== 'any' && !line.errorCodes.includes(filters.error)) return false;
  if (filters.q !== '' && !line.text.toLowerCase().includes(filters.q.toLowerCase())) return false;
  return true;
}
