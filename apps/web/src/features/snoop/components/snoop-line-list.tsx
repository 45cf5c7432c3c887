/**
 * The virtualized snoop list (@tanstack/react-virtual): only the rows in
 * view are in the DOM, so tens of thousands of lines scroll smoothly. Text
 * layout shows the server's rendering verbatim in monospace; structured
 * layout shows the same messages as columns. Follows the tail while the
 * user is at the bottom. Row heights follow from the text's line count, so
 * scrolling never waits for DOM measurement.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { formatClock, formatEndpoint } from '../../../lib/format.ts';
import type { SnoopLine } from '../hooks/snoop-line.ts';

export type SnoopLayout = 'text' | 'structured';

/** Must match .snoop-text line-height and .snoop-row padding in styles.css. */
const TEXT_LINE_HEIGHT = 15;
const ROW_PADDING = 4;
const STRUCTURED_ROW_HEIGHT = 20;

function rowHeight(line: SnoopLine | undefined, layout: SnoopLayout): number {
  if (layout === 'structured' || !line) return STRUCTURED_ROW_HEIGHT;
  return ROW_PADDING + TEXT_LINE_HEIGHT * line.textLines;
}

interface SnoopLineListProps {
  lines: readonly SnoopLine[];
  version: number;
  layout: SnoopLayout;
  selectedKey: string;
  highlightedDatagrams: ReadonlySet<number>;
  onSelect: (line: SnoopLine) => void;
}

function rowClass(line: SnoopLine, selected: boolean, highlighted: boolean): string {
  return [
    'snoop-row',
    line.direction === 'in' ? 'dir-in' : 'dir-out',
    line.errorCodes.length > 0 ? 'has-error' : '',
    selected ? 'selected' : '',
    highlighted ? 'evidence' : '',
  ]
    .filter((c) => c !== '')
    .join(' ');
}

export function SnoopLineList({ lines, version, layout, selectedKey, highlightedDatagrams, onSelect }: SnoopLineListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => rowHeight(lines[index], layout),
    overscan: 15,
    getItemKey: (index) => lines[index]?.key ?? index,
  });

  useEffect(() => {
    if (following.current && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [version, lines.length, virtualizer]);

  function onScroll() {
    const element = scroller.current;
    if (!element) return;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'j' && event.key !== 'k') return;
    event.preventDefault();
    const current = lines.findIndex((line) => line.key === selectedKey);
    const delta = event.key === 'ArrowDown' || event.key === 'j' ? 1 : -1;
    const next = lines[Math.max(0, Math.min(lines.length - 1, (current === -1 ? lines.length : current) + delta))];
    if (next) {
      onSelect(next);
      virtualizer.scrollToIndex(lines.indexOf(next), { align: 'auto' });
    }
  }

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scroller}
      className={`snoop-scroller layout-${layout}`}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      tabIndex={0}
      role="list"
      aria-label="Snoop messages"
      data-testid="snoop-lines"
      data-count={lines.length}
    >
      {layout === 'structured' ? (
        <div className="snoop-structured-head" role="presentation">
          <span>time</span>
          <span>local</span>
          <span>dir</span>
          <span>remote</span>
          <span>tunnel</span>
          <span>exchange</span>
          <span>msg</span>
          <span>payloads</span>
        </div>
      ) : null}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const line = lines[item.index];
          if (!line) return null;
          const highlighted = line.datagramId !== null && highlightedDatagrams.has(line.datagramId);
          return (
            <div
              key={item.key}
              data-index={item.index}
              className={rowClass(line, line.key === selectedKey, highlighted)}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: item.size, transform: `translateY(${item.start}px)` }}
              onClick={() => onSelect(line)}
              role="listitem"
              data-key={line.key}
              data-direction={line.direction}
              data-error={line.errorCodes.join(',')}
            >
              {layout === 'text' ? (
                <pre className="snoop-text">{line.text}</pre>
              ) : (
                <div className="snoop-structured">
                  <span className="mono">{formatClock(line.time)}</span>
                  <span className="mono">{line.local ? formatEndpoint(line.local) : ''}</span>
                  <span className="mono dir-arrow">{line.direction === 'in' ? '<-' : '->'}</span>
                  <span className="mono">{line.remote ? formatEndpoint(line.remote) : ''}</span>
                  <span>{line.tunnel ?? ''}</span>
                  <span>{line.exchange ?? ''}</span>
                  <span className="mono">
                    {line.response === null ? '' : line.response ? 'resp' : 'req'} {line.messageId ?? ''}
                  </span>
                  <span className="mono">
                    {line.summary.replace(/^.*?\[\s*/, '').replace(/\s*\]\s*$/, '')}
                    {line.errorCodes.length > 0 ? <span className="badge badge-bad">{line.errorCodes.join(' ')}</span> : null}
                  </span>
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
