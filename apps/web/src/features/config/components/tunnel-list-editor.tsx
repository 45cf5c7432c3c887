/**
 * The ORDERED tunnel list: the gateway scans it top to bottom, so order is
 * configuration (seed 13.6.1: a roaming all-nets tunnel above the others
 * catches their peers, often showing as "Incorrect pre-shared key"). Drag a
 * row, or use the arrows (Alt+Up / Alt+Down on a focused row), to reorder.
 */
import { useState } from 'react';
import { moveItem, newTunnel, shadowingTunnels, type DraftTunnel } from '../hooks/config-draft.ts';
import { useReadOnly } from './field.tsx';

interface TunnelListEditorProps {
  tunnels: DraftTunnel[];
  selected: number;
  onSelect: (index: number) => void;
  onChange: (tunnels: DraftTunnel[]) => void;
  invalidIndexes: ReadonlySet<number>;
}

export function TunnelListEditor({ tunnels, selected, onSelect, onChange, invalidIndexes }: TunnelListEditorProps) {
  const readOnly = useReadOnly();
  const [dragging, setDragging] = useState<number | null>(null);
  const shadowing = shadowingTunnels(tunnels);

  function move(from: number, to: number) {
    if (to < 0 || to >= tunnels.length || from === to) return;
    onChange(moveItem(tunnels, from, to));
    onSelect(to);
  }

  return (
    <div className="tunnel-list-editor">
      <ol className="tunnel-order" data-testid="tunnel-order">
        {tunnels.map((tunnel, index) => (
          <li
            key={`${index}-${tunnel.name}`}
            className={`${index === selected ? 'selected' : ''}${dragging === index ? ' dragging' : ''}${invalidIndexes.has(index) ? ' invalid' : ''}`}
            draggable={!readOnly}
            onDragStart={(e) => {
              setDragging(index);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', String(index));
            }}
            onDragOver={(e) => {
              if (dragging !== null) e.preventDefault();
            }}
            onDrop={(e) => {
              e.preventDefault();
              if (dragging !== null) move(dragging, index);
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
            onClick={() => onSelect(index)}
            onKeyDown={(e) => {
              if (readOnly || !e.altKey) return;
              if (e.key === 'ArrowUp') move(index, index - 1);
              if (e.key === 'ArrowDown') move(index, index + 1);
            }}
            tabIndex={0}
            data-tunnel={tunnel.name}
          >
            {!readOnly ? <span className="drag-handle" aria-hidden="true">⠿</span> : null}
            <span className="num">{index + 1}.</span> <strong>{tunnel.name}</strong>{' '}
            <span className="mono muted">
              {tunnel.remoteEndpoint || '?'} · {(tunnel.remoteNetworks ?? []).join(', ') || '?'}
            </span>
            {shadowing.has(index) ? (
              <span className="badge badge-warn" title="Roaming tunnel with remote network all-nets-ip4 above other tunnels: it is selected before them (seed 13.6.1).">
                catches peers below
              </span>
            ) : null}
            {invalidIndexes.has(index) ? <span className="badge badge-bad">invalid</span> : null}
            {!readOnly ? (
              <span className="row-actions">
                <button type="button" aria-label={`Move ${tunnel.name} up`} disabled={index === 0} onClick={(e) => (e.stopPropagation(), move(index, index - 1))}>
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={`Move ${tunnel.name} down`}
                  disabled={index === tunnels.length - 1}
                  onClick={(e) => (e.stopPropagation(), move(index, index + 1))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Remove ${tunnel.name}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    if (window.confirm(`Remove tunnel ${tunnel.name} from the draft?`)) {
                      onChange(tunnels.filter((_, i) => i !== index));
                      onSelect(Math.max(0, index - 1));
                    }
                  }}
                >
                  ✕
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {tunnels.length === 0 ? <p className="no-data">No tunnels configured yet.</p> : null}
      {!readOnly ? (
        <button
          type="button"
          onClick={() => {
            onChange([...tunnels, newTunnel(tunnels)]);
            onSelect(tunnels.length);
          }}
        >
          Add tunnel
        </button>
      ) : null}
    </div>
  );
}
