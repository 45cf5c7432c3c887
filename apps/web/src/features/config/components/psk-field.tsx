/**
 * The pre-shared key, write-only: the UI never has the stored value. It
 * shows "set" (or "not set") and lets an operator replace it; the new value
 * is sent once with the save and never shown again.
 */
import { useState } from 'react';
import type { PskType } from '../../../lib/api-types.ts';
import type { DraftPskAuth } from '../hooks/config-draft.ts';
import { Field, useReadOnly } from './field.tsx';

export function PskField({ auth, path, onChange }: { auth: DraftPskAuth; path: string; onChange: (auth: DraftPskAuth) => void }) {
  const readOnly = useReadOnly();
  const stored = typeof auth.psk.value === 'string' ? null : auth.psk.value;
  const [replacing, setReplacing] = useState(typeof auth.psk.value === 'string');
  const [hadStoredKey] = useState(stored?.set === true);
  const setType = (type: PskType) => onChange({ ...auth, psk: { ...auth.psk, type } });

  return (
    <>
      <Field label="PSK type" path={`${path}.psk.type`} hint="Both sides must use the same type (seed 13.6.6: a type mismatch shows as Payload_Malformed).">
        <select value={auth.psk.type} disabled={readOnly} onChange={(e) => setType(e.target.value as PskType)}>
          <option value="passphrase">Passphrase</option>
          <option value="hex">Hex key</option>
        </select>
      </Field>
      <Field label="Pre-shared key" path={`${path}.psk.value`}>
        {replacing ? (
          <span className="psk-replace">
            <input
              type="password"
              autoComplete="new-password"
              value={typeof auth.psk.value === 'string' ? auth.psk.value : ''}
              onChange={(e) => onChange({ ...auth, psk: { ...auth.psk, value: e.target.value } })}
              placeholder={auth.psk.type === 'hex' ? 'hex digits' : 'new passphrase'}
              data-testid="psk-input"
            />
            {hadStoredKey ? (
              <button
                type="button"
                onClick={() => {
                  setReplacing(false);
                  onChange({ ...auth, psk: { ...auth.psk, value: { set: true } } });
                }}
              >
                Keep the stored key
              </button>
            ) : null}
          </span>
        ) : (
          <span className="psk-state" data-testid="psk-state">
            <strong>{stored?.set ? 'set' : 'not set'}</strong>
            {!readOnly ? (
              <button type="button" onClick={() => setReplacing(true)}>
                Replace
              </button>
            ) : null}
          </span>
        )}
      </Field>
    </>
  );
}
