/**
 * `ike -certshow [-verbose]` text output, laid out as the seed shows it
 * (13.6.2). The short form lists subjects; -verbose adds issuer, validity
 * (date over time, in the gateway's time zone) and status, wrapping the
 * names at their ", " separators to fit the columns:
 *
 *   #  Subject          Issuer          Valid From     Valid To      Status
 *   -  ---------------  --------------  -------------  ------------  ------
 *   1  C=SE,            DC=local,       2024-05-09     2026-05-09    Valid
 *      O=Clavister,     DC=lab,         06:37:00       06:47:00
 *      OU=R&D, CN=TTG   CN=labsrv
 *
 * The certificate cache supplies rows of `CertShowEntry`.
 */
import { formatGatewayDate, formatGatewayTime } from '@tunnelscope/api';

export interface CertShowEntry {
  /** "C=SE, O=Clavister, OU=R&D, CN=TTG" */
  readonly subject: string;
  readonly issuer: string;
  /** Milliseconds since the Unix epoch. */
  readonly validFrom: number;
  readonly validTo: number;
  /** "Valid", "Expired", "Not yet valid", "Revoked", ... as the cache judges it. */
  readonly status: string;
}

const GAP = '  ';
const SHORT_TITLE = '         IKE Certificates';
const VERBOSE_TITLE = '                         IKE Certificates';
/** Column widths of the seed's verbose table; a longer name part widens its column. */
const VERBOSE_WIDTHS = { subject: 15, issuer: 14, validFrom: 13, validTo: 12, status: 6 } as const;

/** Greedy wrap of a DN at ", " so each line fits `width` (a longer single part gets a line of its own). */
export function wrapDistinguishedName(name: string, width: number): string[] {
  const parts = name.split(/,\s*/).filter((part) => part !== '');
  const pieces = parts.map((part, index) => (index < parts.length - 1 ? `${part},` : part));
  const lines: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current === '') current = piece;
    else if (current.length + 1 + piece.length <= width) current += ` ${piece}`;
    else {
      lines.push(current);
      current = piece;
    }
  }
  if (current !== '') lines.push(current);
  return lines.length === 0 ? [''] : lines;
}

function trimEnd(line: string): string {
  return line.replace(/\s+$/, '');
}

export function formatCertShowTable(
  entries: readonly CertShowEntry[],
  options: { readonly verbose?: boolean; readonly timeZone?: string } = {},
): string {
  const indexWidth = Math.max(1, String(entries.length).length);
  if (options.verbose !== true) {
    const subjectWidth = Math.max('Subject'.length, ...entries.map((entry) => entry.subject.length));
    const lines = [
      SHORT_TITLE,
      '',
      `${'#'.padEnd(indexWidth)}${GAP}Subject`,
      `${'-'.repeat(indexWidth)}${GAP}${'-'.repeat(subjectWidth)}`,
      ...entries.map((entry, index) => `${String(index + 1).padEnd(indexWidth)}${GAP}${entry.subject}`),
    ];
    return lines.join('\n');
  }

  const timeZone = options.timeZone ?? 'UTC';
  const rows = entries.map((entry) => ({
    subject: wrapDistinguishedName(entry.subject, VERBOSE_WIDTHS.subject),
    issuer: wrapDistinguishedName(entry.issuer, VERBOSE_WIDTHS.issuer),
    validFrom: [formatGatewayDate(entry.validFrom, timeZone), formatGatewayTime(entry.validFrom, timeZone)],
    validTo: [formatGatewayDate(entry.validTo, timeZone), formatGatewayTime(entry.validTo, timeZone)],
    status: entry.status,
  }));
  const widest = (lines: readonly string[][], minimum: number) => Math.max(minimum, ...lines.flat().map((line) => line.length));
  const widths = {
    subject: widest(rows.map((row) => row.subject), VERBOSE_WIDTHS.subject),
    issuer: widest(rows.map((row) => row.issuer), VERBOSE_WIDTHS.issuer),
    validFrom: VERBOSE_WIDTHS.validFrom,
    validTo: VERBOSE_WIDTHS.validTo,
    status: Math.max(VERBOSE_WIDTHS.status, ...rows.map((row) => row.status.length)),
  };
  const line = (cells: readonly [string, string, string, string, string, string]) =>
    trimEnd(
      [
        cells[0].padEnd(indexWidth),
        cells[1].padEnd(widths.subject),
        cells[2].padEnd(widths.issuer),
        cells[3].padEnd(widths.validFrom),
        cells[4].padEnd(widths.validTo),
        cells[5],
      ].join(GAP),
    );
  const lines = [
    VERBOSE_TITLE,
    '',
    line(['#', 'Subject', 'Issuer', 'Valid From', 'Valid To', 'Status']),
    line([
      '-'.repeat(indexWidth),
      '-'.repeat(widths.subject),
      '-'.repeat(widths.issuer),
      '-'.repeat(widths.validFrom),
      '-'.repeat(widths.validTo),
      '-'.repeat(widths.status),
    ]),
  ];
  rows.forEach((row, index) => {
    const height = Math.max(row.subject.length, row.issuer.length, 2);
    for (let i = 0; i < height; i++) {
      lines.push(
        line([
          i === 0 ? String(index + 1) : '',
          row.subject[i] ?? '',
          row.issuer[i] ?? '',
          row.validFrom[i] ?? '',
          row.validTo[i] ?? '',
          i === 0 ? row.status : '',
        ]),
      );
    }
  });
  return lines.join('\n');
}
