/** Filters of the snoop view, all in the URL (so a link reproduces the view). */
import { useEffect, useState } from 'react';
import type { SnoopFilters } from '../hooks/snoop-line.ts';

const EXCHANGES = ['IKE_SA_INIT', 'IKE_AUTH', 'CREATE_CHILD_SA', 'INFORMATIONAL'];
const ERROR_CHOICES = ['NO_PROP', 'AUTH_FAILED', 'TS_UNACCEPT', 'INVAL_KE', 'INVAL_SYN', 'INVAL_IKE_SPI', 'PLD_MAL', 'TEMP_FAIL', 'NO_CHILD_SA'];

function TextFilter({ label, value, onCommit, focusKey }: { label: string; value: string; onCommit: (v: string) => void; focusKey?: boolean }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <label>
      {label}
      <input
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft !== value && onCommit(draft.trim())}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onCommit(draft.trim());
          if (e.key === 'Escape') {
            setDraft('');
            onCommit('');
          }
        }}
        size={12}
        {...(focusKey ? { 'data-shortcut-focus': true } : {})}
      />
    </label>
  );
}

export function SnoopFilterBar({ filters, onChange }: { filters: SnoopFilters; onChange: (patch: Partial<SnoopFilters>) => void }) {
  return (
    <div className="filter-bar" role="search" aria-label="Snoop filters">
      <TextFilter label="Peer" value={filters.peer} onCommit={(peer) => onChange({ peer })} focusKey />
      <TextFilter label="Tunnel" value={filters.tunnel} onCommit={(tunnel) => onChange({ tunnel })} />
      <label>
        Exchange
        <select value={filters.exchange} onChange={(e) => onChange({ exchange: e.target.value })} aria-label="Exchange">
          <option value="">all</option>
          {EXCHANGES.map((exchange) => (
            <option key={exchange} value={exchange}>
              {exchange}
            </option>
          ))}
        </select>
      </label>
      <label>
        Error
        <select value={filters.error} onChange={(e) => onChange({ error: e.target.value })} aria-label="Error">
          <option value="">all messages</option>
          <option value="any">any error notify</option>
          {ERROR_CHOICES.map((code) => (
            <option key={code} value={code}>
              N({code})
            </option>
          ))}
        </select>
      </label>
      <TextFilter label="Text" value={filters.q} onCommit={(q) => onChange({ q })} />
    </div>
  );
}
