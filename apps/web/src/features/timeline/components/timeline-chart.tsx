/** The time axis as SVG: a state lane (up/down), then rekeys, failures and config changes as marks. */
import { useNavigate } from 'react-router';
import { formatClock, formatDateTime } from '../../../lib/format.ts';
import type { StateSegment, TimelineMark } from '../hooks/use-tunnel-timeline.ts';

const LANES: { lane: TimelineMark['lane']; label: string }[] = [
  { lane: 'state', label: 'state' },
  { lane: 'rekey', label: 'rekeys' },
  { lane: 'failure', label: 'failures' },
  { lane: 'config', label: 'config' },
];
const WIDTH = 1000;
const LABEL_WIDTH = 70;
const LANE_HEIGHT = 28;

export function TimelineChart({ marks, segments, from, to }: { marks: TimelineMark[]; segments: StateSegment[]; from: number; to: number }) {
  const navigate = useNavigate();
  const x = (time: number) => LABEL_WIDTH + ((time - from) / Math.max(1, to - from)) * (WIDTH - LABEL_WIDTH - 10);
  const laneY = (lane: TimelineMark['lane']) => LANES.findIndex((l) => l.lane === lane) * LANE_HEIGHT + 6;
  const ticks = Array.from({ length: 7 }, (_, i) => from + ((to - from) * i) / 6);
  const height = LANES.length * LANE_HEIGHT + 24;

  return (
    <svg className="timeline-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Tunnel timeline" data-testid="timeline-chart">
      {LANES.map((lane) => (
        <g key={lane.lane}>
          <text x={4} y={laneY(lane.lane) + 14} className="timeline-lane-label">
            {lane.label}
          </text>
          <line x1={LABEL_WIDTH} x2={WIDTH - 10} y1={laneY(lane.lane) + 10} y2={laneY(lane.lane) + 10} className="timeline-lane-line" />
        </g>
      ))}
      {segments.map((segment, index) => (
        <rect
          key={index}
          x={x(segment.from)}
          width={Math.max(1, x(segment.to) - x(segment.from))}
          y={laneY('state') + 2}
          height={16}
          className={`timeline-segment segment-${segment.state}`}
        >
          <title>
            {segment.state} {formatDateTime(segment.from)} – {formatDateTime(segment.to)}
          </title>
        </rect>
      ))}
      {marks
        .filter((mark) => mark.lane !== 'state')
        .map((mark) => (
          <g
            key={mark.key}
            className={`timeline-mark mark-${mark.lane}`}
            transform={`translate(${x(mark.time)}, ${laneY(mark.lane) + 10})`}
            onClick={() => (mark.event ? navigate(`/snoop?evidence=${mark.event.id}`) : navigate(`/config?version=${mark.version?.id ?? ''}`))}
            role="link"
            tabIndex={0}
          >
            <circle r={6} />
            <title>
              {formatDateTime(mark.time)} {mark.label}
            </title>
          </g>
        ))}
      {ticks.map((tick) => (
        <text key={tick} x={x(tick)} y={height - 4} className="timeline-tick" textAnchor="middle">
          {formatClock(tick)}
        </text>
      ))}
    </svg>
  );
}
