/**
 * `ike -stat` text output, column for column the seed's (13.6.3):
 *
 *            IKE Statistics
 *
 *   Statistic                     Value
 *   ----------------------------  -----
 *   IKE SAs active                2
 *   ...
 *   (a line holding one space between the IKE and IPsec groups)
 *   IPsec SAs active              2
 *   ...
 */
import type { IkeStatCounters } from '@tunnelscope/api';
import { IKE_STAT_ROWS } from './ike-stat-counters.ts';

const TITLE = '         IKE Statistics';
const LABEL_WIDTH = 28;
const VALUE_WIDTH = 5;
const GAP = '  ';
/** The seed separates the groups with a line holding a single space. */
const GROUP_SEPARATOR = ' ';

/** The table as lines joined by "\n", without a trailing newline. */
export function formatIkeStatTable(counters: IkeStatCounters): string {
  const lines = [
    TITLE,
    '',
    `${'Statistic'.padEnd(LABEL_WIDTH)}${GAP}Value`,
    `${'-'.repeat(LABEL_WIDTH)}${GAP}${'-'.repeat(VALUE_WIDTH)}`,
  ];
  let previousGroup: string | undefined;
  for (const row of IKE_STAT_ROWS) {
    if (previousGroup !== undefined && row.group !== previousGroup) lines.push(GROUP_SEPARATOR);
    previousGroup = row.group;
    lines.push(`${row.label.padEnd(LABEL_WIDTH)}${GAP}${counters[row.counter]}`);
  }
  return lines.join('\n');
}
