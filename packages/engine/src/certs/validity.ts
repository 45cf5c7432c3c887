/**
 * Validity (RFC 5280 4.1.2.5): a certificate is valid when notBefore <= now
 * <= notAfter, both in UTC, against the engine's clock. The gateway's time
 * zone never shifts this check; it only renders the times for the operator.
 *
 * The seed's time-zone case (13.6.2, 13.6.6 #5) is a clock set wrong: local
 * time entered as if it were UTC, or a CA whose clock is off by its zone
 * offset. It shows as a notBefore ahead of now by about a whole number of
 * hours. When the gap is within TIME_ZONE_TOLERANCE_MS of n hours
 * (1 <= n <= 14, the range of real zone offsets), the evidence says so and
 * puts the gateway's clock (UTC and local), its zone and the certificate's
 * times side by side.
 */
import { formatGatewayDateTime, parseTimeZone } from '@tunnelscope/api';
import type { ParsedCertificate } from './parse-certificate.ts';

const HOUR_MS = 3_600_000;
/** How close to a whole-hour offset a notBefore must be to suggest a zone mistake (a newly issued certificate is used within minutes). */
export const TIME_ZONE_TOLERANCE_MS = 5 * 60_000;
export const MAX_ZONE_OFFSET_HOURS = 14;

export type ValidityVerdict =
  | { readonly state: 'valid' }
  | { readonly state: 'expired' | 'not_yet_valid'; readonly message: string; readonly evidence: Record<string, unknown> };

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The whole-hour offset `aheadMs` is close to, if any (1..14). */
export function likelyZoneOffsetHours(aheadMs: number): number | undefined {
  if (aheadMs <= 0) return undefined;
  const hours = Math.round(aheadMs / HOUR_MS);
  if (hours < 1 || hours > MAX_ZONE_OFFSET_HOURS) return undefined;
  return Math.abs(aheadMs - hours * HOUR_MS) <= TIME_ZONE_TOLERANCE_MS ? hours : undefined;
}

export function judgeValidity(certificate: ParsedCertificate, now: number, timeZone: string): ValidityVerdict {
  const zone = parseTimeZone(timeZone)?.name ?? 'UTC';
  const sideBySide = {
    subject: certificate.subject,
    gatewayClockUtc: iso(now),
    gatewayClockLocal: formatGatewayDateTime(now, zone),
    timeZone: zone,
    notBeforeUtc: iso(certificate.notBefore),
    notAfterUtc: iso(certificate.notAfter),
    notBeforeLocal: formatGatewayDateTime(certificate.notBefore, zone),
    notAfterLocal: formatGatewayDateTime(certificate.notAfter, zone),
  };
  if (now > certificate.notAfter) {
    return {
      state: 'expired',
      message: `certificate "${certificate.subject}" expired ${iso(certificate.notAfter)} (gateway clock ${iso(now)} UTC)`,
      evidence: { ...sideBySide, expiredForSeconds: Math.round((now - certificate.notAfter) / 1000) },
    };
  }
  if (now < certificate.notBefore) {
    const ahead = certificate.notBefore - now;
    const offsetHours = likelyZoneOffsetHours(ahead);
    const hint =
      offsetHours === undefined
        ? ''
        : `; notBefore is about ${offsetHours} h ahead of the gateway clock: this looks like a time-zone or clock error ` +
          `(local time entered as UTC, or the CA's clock off by its zone offset). Gateway clock ${sideBySide.gatewayClockUtc} UTC = ` +
          `${sideBySide.gatewayClockLocal} ${zone}; certificate valid from ${sideBySide.notBeforeUtc} UTC = ${sideBySide.notBeforeLocal} ${zone}`;
    return {
      state: 'not_yet_valid',
      message: `certificate "${certificate.subject}" is not valid before ${iso(certificate.notBefore)} (gateway clock ${iso(now)} UTC)${hint}`,
      evidence: {
        ...sideBySide,
        aheadBySeconds: Math.round(ahead / 1000),
        likelyTimeZoneError: offsetHours !== undefined,
        ...(offsetHours === undefined ? {} : { suspectedOffsetHours: offsetHours }),
      },
    };
  }
  return { state: 'valid' };
}
