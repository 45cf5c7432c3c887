/** A labelled form field that shows the server's errors for its path right under it. */
import { useContext, createContext, type ReactNode } from 'react';
import type { FieldError } from '../../../lib/api-types.ts';
import { errorsAt } from '../hooks/config-draft.ts';

export const FieldErrorsContext = createContext<readonly FieldError[]>([]);
export const ReadOnlyContext = createContext(false);

export function Field({ label, path, children, hint }: { label: string; path: string; children: ReactNode; hint?: string }) {
  const errors = errorsAt(useContext(FieldErrorsContext), path);
  return (
    <div className={`field${errors.length > 0 ? ' field-invalid' : ''}`} data-field={path}>
      <label>
        <span className="field-label">{label}</span>
        {children}
      </label>
      {hint ? <span className="field-hint">{hint}</span> : null}
      {errors.map((error, index) => (
        <span key={index} className="field-error" role="alert" data-testid="field-error">
          {error.message}
        </span>
      ))}
    </div>
  );
}

export function useReadOnly(): boolean {
  return useContext(ReadOnlyContext);
}

export function TextInput({ value, onChange, placeholder, mono }: { value: string; onChange: (v: string) => void; placeholder?: string; mono?: boolean }) {
  const readOnly = useReadOnly();
  return (
    <input
      className={mono ? 'mono' : undefined}
      value={value}
      placeholder={placeholder}
      disabled={readOnly}
      onChange={(e) => onChange(e.target.value)}
      spellCheck={false}
    />
  );
}

export function NumberInput({ value, onChange }: { value: number | undefined; onChange: (v: number | undefined) => void }) {
  const readOnly = useReadOnly();
  return (
    <input
      type="number"
      value={value ?? ''}
      disabled={readOnly}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  );
}

/** A list of strings edited as one per line (proposal lists, networks). */
export function StringListInput({ value, onChange, rows = 3 }: { value: readonly string[]; onChange: (v: string[]) => void; rows?: number }) {
  const readOnly = useReadOnly();
  return (
    <textarea
      className="mono"
      rows={rows}
      disabled={readOnly}
      value={value.join('\n')}
      onChange={(e) => onChange(e.target.value.split('\n').map((s) => s.trim()).filter((s, i, all) => s !== '' || i === all.length - 1))}
      spellCheck={false}
    />
  );
}
