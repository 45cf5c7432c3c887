/**
 * Pure helpers of the Certificates view: status badge tones, times in the
 * gateway's configured zone (as `ike -certshow` prints them; validity
 * itself is judged in UTC by the engine), distinguished names split into
 * their parts, and the rows of the validity timeline.
 */
import { formatGatewayDate, formatGatewayTime, parseTimeZone, type CertificateStatus, type CertificateSummary, type CrlView } from '@tunnelscope/api';
import type { BadgeTone } from '../../../components/ui/status-badge.tsx';

export const STATUS_TONES: Record<CertificateStatus, BadgeTone> = {
  Valid: 'ok',
  Expired: 'bad',
  'Not yet valid': 'warn',
  Revoked: 'bad',
  Untrusted: 'bad',
  Unchecked: 'muted',
};

export const CRL_STATE_TONES: Record<CrlView['state'], BadgeTone> = {
  valid: 'ok',
  stale: 'warn',
  unreachable: 'bad',
  dns_failure: 'bad',
  no_dns_servers: 'bad',
  invalid: 'bad',
  never_fetched: 'muted',
};

/**
 * "2024-07-28" / "07:55:33" in `timeZone` (an IANA name such as
 * "Europe/Stockholm", "UTC", or a fixed offset "UTC+01:00" / "+0530"),
 * parsed exactly as the engine parses the config's zone. A zone this
 * browser does not know falls back to UTC and says so in `zone`.
 */
export function formatInZone(ms: number, timeZone: string): { date: string; time: string; zone: string } {
  const zone = timeZone.trim() === '' ? 'UTC' : timeZone;
  if (parseTimeZone(zone) === undefined) {
    return { date: formatGatewayDate(ms, 'UTC'), time: formatGatewayTime(ms, 'UTC'), zone: `UTC (browser does not know ${timeZone})` };
  }
  return { date: formatGatewayDate(ms, zone), time: formatGatewayTime(ms, zone), zone };
}

/** "C=SE, O=Clavister, OU=R&D, CN=TTG" -> ["C=SE", "O=Clavister", "OU=R&D", "CN=TTG"] (escaped commas stay inside). */
export function splitDistinguishedName(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && i + 1 < dn.length) {
      current += ch + dn[i + 1];
      i++;
    } else if (ch === ',') {
      if (current.trim() !== '') parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** The CN of a DN, else the whole DN (timeline labels). */
export function commonName(dn: string): string {
  const cn = splitDistinguishedName(dn).find((part) => /^CN=/i.test(part));
  return cn ? cn.slice(3) : dn;
}

export interface TimelineRow {
  id: string;
  label: string;
  /** [validFrom, validTo] in ms: a range bar. */
  range: [number, number];
  status: CertificateStatus;
}

export function timelineRows(certificates: readonly CertificateSummary[]): TimelineRow[] {
  return certificates.map((certificate, index) => ({
    id: certificate.id,
    label: `${index + 1} ${commonName(certificate.subject)}`,
    range: [certificate.validFrom, certificate.validTo],
    status: certificate.status,
  }));
}

/** The x-axis domain: every validity period and "now", with a little margin. */
export function timelineDomain(rows: readonly TimelineRow[], now: number): [number, number] {
  let min = now;
  let max = now;
  for (const row of rows) {
    min = Math.min(min, row.range[0]);
    max = Math.max(max, row.range[1]);
  }
  const margin = Math.max((max - min) * 0.03, 3_600_000);
  return [min - margin, max + margin];
}
