/**
 * Validity timeline (recharts): one bar per certificate from its notBefore
 * to its notAfter, coloured by status, and a "now" line at the engine's
 * clock — an expired certificate ends left of it, a not-yet-valid one
 * starts right of it (the clock/time-zone case of seed 13.6.2).
 */
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CertificateStatus, CertificateSummary } from '@tunnelscope/api';
import { formatInZone, timelineDomain, timelineRows, type TimelineRow } from '../hooks/certificate-format.ts';

const STATUS_COLOURS: Record<CertificateStatus, string> = {
  Valid: 'var(--ok)',
  Expired: 'var(--bad)',
  'Not yet valid': 'var(--warn)',
  Revoked: 'var(--bad)',
  Untrusted: 'var(--bad)',
  Unchecked: 'var(--muted)',
};

interface ValidityTimelineProps {
  certificates: CertificateSummary[];
  now: number;
  timeZone: string;
}

export function ValidityTimeline({ certificates, now, timeZone }: ValidityTimelineProps) {
  const rows = timelineRows(certificates);
  const domain = timelineDomain(rows, now);
  const dateOnly = (ms: number) => formatInZone(ms, timeZone).date;
  const height = 40 + rows.length * 26;
  return (
    <div className="cert-timeline" data-testid="cert-timeline" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 16, right: 20, bottom: 4, left: 10 }} barCategoryGap={5}>
          <CartesianGrid stroke="var(--grid-line)" horizontal={false} />
          <XAxis type="number" dataKey="range" domain={domain} scale="time" tickFormatter={dateOnly} stroke="var(--muted)" fontSize={11} allowDataOverflow />
          <YAxis type="category" dataKey="label" width={150} stroke="var(--muted)" fontSize={11} />
          <Tooltip
            formatter={(value) => {
              const range = value as unknown as [number, number];
              const from = formatInZone(range[0], timeZone);
              const to = formatInZone(range[1], timeZone);
              return [`${from.date} ${from.time} → ${to.date} ${to.time}`, 'valid'];
            }}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Bar dataKey="range" isAnimationActive={false}>
            {rows.map((row: TimelineRow) => (
              <Cell key={row.id} fill={STATUS_COLOURS[row.status]} />
            ))}
          </Bar>
          <ReferenceLine x={now} stroke="var(--accent)" strokeDasharray="4 2" label={{ value: 'now', position: 'top', fill: 'var(--accent)', fontSize: 11 }} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
