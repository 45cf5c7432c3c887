/**
 * An ordered table editor for simple rows (IP rules, routes): one input per
 * column, move up/down, add, remove; each cell shows its server errors.
 */
import { useContext } from 'react';
import { errorsAt, moveItem } from '../hooks/config-draft.ts';
import { FieldErrorsContext, useReadOnly } from './field.tsx';

export interface RowColumn {
  key: string;
  label: string;
  kind?: 'text' | 'number' | 'select';
  options?: readonly string[];
}

interface RowsEditorProps<T extends object> {
  rows: T[];
  columns: readonly RowColumn[];
  pathPrefix: string;
  onChange: (rows: T[]) => void;
  createRow: () => T;
  testId: string;
  emptyText: string;
}

function cellValue(row: object, key: string): string {
  const value = (row as Record<string, unknown>)[key];
  return value === undefined || value === null ? '' : String(value);
}

export function RowsEditor<T extends object>({ rows, columns, pathPrefix, onChange, createRow, testId, emptyText }: RowsEditorProps<T>) {
  const readOnly = useReadOnly();
  const errors = useContext(FieldErrorsContext);
  const setCell = (index: number, column: RowColumn, raw: string) => {
    const value = column.kind === 'number' ? (raw === '' ? undefined : Number(raw)) : raw;
    onChange(rows.map((row, i) => (i === index ? ({ ...row, [column.key]: value } as T) : row)));
  };
  return (
    <div data-testid={testId}>
      {rows.length === 0 ? (
        <p className="no-data">{emptyText}</p>
      ) : (
        <table className="grid rows-editor">
          <thead>
            <tr>
              <th className="num">#</th>
              {columns.map((column) => (
                <th key={column.key}>{column.label}</th>
              ))}
              {!readOnly ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <td className="num">{index + 1}</td>
                {columns.map((column) => {
                  const path = `${pathPrefix}.${index}.${column.key}`;
                  const cellErrors = errorsAt(errors, path);
                  return (
                    <td key={column.key} className={cellErrors.length > 0 ? 'field-invalid' : undefined} data-field={path}>
                      {column.kind === 'select' ? (
                        <select value={cellValue(row, column.key)} disabled={readOnly} onChange={(e) => setCell(index, column, e.target.value)} aria-label={column.label}>
                          {(column.options ?? []).map((option) => (
                            <option key={option} value={option}>
                              {option}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <input
                          className="mono"
                          type={column.kind === 'number' ? 'number' : 'text'}
                          value={cellValue(row, column.key)}
                          disabled={readOnly}
                          onChange={(e) => setCell(index, column, e.target.value)}
                          aria-label={column.label}
                        />
                      )}
                      {cellErrors.map((error, i) => (
                        <span key={i} className="field-error" role="alert" data-testid="field-error">
                          {error.message}
                        </span>
                      ))}
                    </td>
                  );
                })}
                {!readOnly ? (
                  <td className="row-actions">
                    <button type="button" aria-label="Move up" disabled={index === 0} onClick={() => onChange(moveItem(rows, index, index - 1))}>
                      ↑
                    </button>
                    <button type="button" aria-label="Move down" disabled={index === rows.length - 1} onClick={() => onChange(moveItem(rows, index, index + 1))}>
                      ↓
                    </button>
                    <button type="button" className="danger" aria-label="Remove" onClick={() => onChange(rows.filter((_, i) => i !== index))}>
                      ✕
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!readOnly ? (
        <button type="button" onClick={() => onChange([...rows, createRow()])}>
          Add row
        </button>
      ) : null}
    </div>
  );
}
