/**
 * The `flow -show` filters as inputs named after their CLI options. Typing
 * edits a draft; Enter (or a short pause) puts the filters in the URL,
 * which is what the page is read from. Obvious mistakes show next to the
 * field at once and are not sent; what the server rejects shows above the
 * table with the parameter it names.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { FlowFilterValues } from '../api/flows-api.ts';
import { checkFlowFilters, FLOW_FILTER_LABELS, FLOW_FILTER_NAMES, type FlowFilterName } from '../hooks/flow-format.ts';

const APPLY_AFTER_MS = 500;

const PLACEHOLDERS: Record<FlowFilterName, string> = {
  destiface: 'core, ext, tunnel',
  srciface: 'core, ext, tunnel',
  proto: 'esp icmp udp tcp',
  srcip: 'address or CIDR',
  destip: 'address or CIDR',
  srcport: '0-65535',
  destport: '0-65535',
};

interface FlowFilterBarProps {
  filters: FlowFilterValues;
  onApply: (next: FlowFilterValues) => void;
  interfaces: readonly string[];
}

function sameFilters(a: FlowFilterValues, b: FlowFilterValues): boolean {
  return FLOW_FILTER_NAMES.every((name) => a[name].trim() === b[name].trim());
}

function trimmed(values: FlowFilterValues): FlowFilterValues {
  return Object.fromEntries(FLOW_FILTER_NAMES.map((name) => [name, values[name].trim()])) as unknown as FlowFilterValues;
}

export function FlowFilterBar({ filters, onApply, interfaces }: FlowFilterBarProps) {
  const [draft, setDraft] = useState<FlowFilterValues>(filters);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const problems = checkFlowFilters(draft);
  const valid = Object.keys(problems).length === 0;

  // The URL changed from outside (back button, pasted link): show it.
  const filtersKey = JSON.stringify(filters);
  useEffect(() => {
    setDraft(JSON.parse(filtersKey) as FlowFilterValues);
  }, [filtersKey]);

  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);

  function schedule(next: FlowFilterValues) {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      if (Object.keys(checkFlowFilters(next)).length === 0 && !sameFilters(next, filters)) onApply(trimmed(next));
    }, APPLY_AFTER_MS);
  }

  function change(name: FlowFilterName, value: string) {
    const next = { ...draft, [name]: value };
    setDraft(next);
    schedule(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (timer.current !== null) clearTimeout(timer.current);
    if (valid) onApply(trimmed(draft));
  }

  function clear() {
    const empty = Object.fromEntries(FLOW_FILTER_NAMES.map((name) => [name, ''])) as unknown as FlowFilterValues;
    if (timer.current !== null) clearTimeout(timer.current);
    setDraft(empty);
    onApply(empty);
  }

  return (
    <form className="filter-bar flow-filters" onSubmit={submit} data-testid="flow-filters" aria-label="flow -show filters">
      <datalist id="flow-interfaces">
        {interfaces.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {FLOW_FILTER_NAMES.map((name) => (
        <label key={name} className={problems[name] ? 'field-invalid' : undefined}>
          <span className="mono">{FLOW_FILTER_LABELS[name]}=</span>
          <input
            name={name}
            value={draft[name]}
            placeholder={PLACEHOLDERS[name]}
            onChange={(e) => change(name, e.target.value)}
            list={name.endsWith('iface') ? 'flow-interfaces' : undefined}
            aria-label={`${FLOW_FILTER_LABELS[name]} filter`}
            aria-invalid={problems[name] ? true : undefined}
            data-testid={`flow-filter-${name}`}
            size={name.endsWith('port') ? 6 : 12}
          />
          {problems[name] ? <span className="field-error">{problems[name]}</span> : null}
        </label>
      ))}
      <button type="submit" disabled={!valid}>
        Apply
      </button>
      <button type="button" onClick={clear}>
        Clear
      </button>
    </form>
  );
}
