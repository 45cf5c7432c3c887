/**
 * One `ike -snoop` entry, laid out as the seed shows it (13.6.4):
 *
 *   SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 <- 172.22.53.23:500
 *    IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]
 *
 * The local endpoint is always on the left; "<-" for a received message,
 * "->" for a sent one; the timestamp is in the gateway's time zone. IPv6
 * endpoints are written [address]:port. Shared by the live snoop and the
 * offline capture decoder, so both print identical text for one message.
 */
import { formatGatewayDateTime } from '@tunnelscope/api';

export interface SnoopEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface SnoopEntry {
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** The gateway's configured zone (IANA or UTC offset). */
  readonly timeZone: string;
  readonly local: SnoopEndpoint;
  readonly remote: SnoopEndpoint;
  readonly direction: 'in' | 'out';
  /** strongSwan-style summary: "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]". */
  readonly summary: string;
  /** The `-full` decode, printed after the summary as given. */
  readonly fullText?: string;
  /** 2 unless the message is IKEv1. */
  readonly ikeVersion?: 1 | 2;
}

export interface SnoopFormatOptions {
  /**
   * Wrap the summary at blanks so no line is longer than this; continuation
   * lines are indented by three spaces, as the seed's wrapped IKE_AUTH
   * request shows (it fits an 80-column page). 0 or absent: no wrapping.
   */
  readonly wrapWidth?: number;
}

export const SNOOP_CONTINUATION_INDENT = '   ';

export function formatSnoopEndpoint(endpoint: SnoopEndpoint): string {
  return endpoint.address.includes(':') ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
}

function wrapSummary(line: string, width: number): string[] {
  if (width <= 0 || line.length <= width) return [line];
  const words = line.slice(1).split(' ');
  const lines: string[] = [];
  let current = ' ';
  let currentHasWord = false;
  for (const word of words) {
    const candidate = currentHasWord ? `${current} ${word}` : `${current}${word}`;
    if (currentHasWord && candidate.length > width) {
      lines.push(current);
      current = `${SNOOP_CONTINUATION_INDENT}${word}`;
    } else {
      current = candidate;
    }
    currentHasWord = true;
  }
  lines.push(current);
  return lines;
}

export function formatSnoopEntry(entry: SnoopEntry, options: SnoopFormatOptions = {}): string {
  const arrow = entry.direction === 'in' ? '<-' : '->';
  const header =
    `SNOOP: IKEv${entry.ikeVersion ?? 2}: ${formatGatewayDateTime(entry.timestamp, entry.timeZone)} ` +
    `${formatSnoopEndpoint(entry.local)} ${arrow} ${formatSnoopEndpoint(entry.remote)}`;
  const lines = [header, ...wrapSummary(` ${entry.summary}`, options.wrapWidth ?? 0)];
  if (entry.fullText !== undefined && entry.fullText !== '') lines.push(entry.fullText.replace(/\n+$/, ''));
  return lines.join('\n');
}
