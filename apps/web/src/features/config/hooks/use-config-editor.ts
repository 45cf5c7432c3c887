/**
 * Loads the config, holds the draft, and saves it. A refused save (400)
 * keeps the draft and puts each error on its field; nothing is saved.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ConfigVersionInfo, FieldError } from '../../../lib/api-types.ts';
import { ApiRequestError, describeError } from '../../../lib/http-client.ts';
import { fetchConfig, replaceConfig, validateConfig } from '../api/config-api.ts';
import { documentForSave, draftFromDocument, type DraftConfig } from './config-draft.ts';

export interface ConfigEditor {
  version: ConfigVersionInfo | null;
  draft: DraftConfig | null;
  dirty: boolean;
  errors: FieldError[];
  message: { tone: 'ok' | 'bad'; text: string } | null;
  busy: boolean;
  loadError: string | null;
  update: (change: (draft: DraftConfig) => DraftConfig) => void;
  save: (comment: string) => Promise<void>;
  validate: () => Promise<void>;
  discard: () => void;
}

export function useConfigEditor(): ConfigEditor {
  const [version, setVersion] = useState<ConfigVersionInfo | null>(null);
  const [original, setOriginal] = useState<DraftConfig | null>(null);
  const [draft, setDraft] = useState<DraftConfig | null>(null);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<ConfigEditor['message']>(null);
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(() => {
    fetchConfig()
      .then((answer) => {
        const loaded = draftFromDocument(answer.config);
        setVersion(answer.version);
        setOriginal(loaded);
        setDraft(structuredClone(loaded));
        setDirty(false);
        setLoadError(null);
      })
      .catch((error: unknown) => setLoadError(describeError(error)));
  }, []);

  useEffect(load, [load]);

  const update = useCallback((change: (draft: DraftConfig) => DraftConfig) => {
    setDraft((current) => (current === null ? current : change(current)));
    setDirty(true);
    setMessage(null);
  }, []);

  const report = (error: unknown) => {
    if (error instanceof ApiRequestError && error.fields.length > 0) {
      setErrors(error.fields);
      setMessage({ tone: 'bad', text: `Not saved: ${error.fields.length} field${error.fields.length === 1 ? '' : 's'} refused by the server.` });
    } else if (error instanceof ApiRequestError && error.status === 409) {
      setMessage({ tone: 'bad', text: `Not saved: ${error.message}. Reload to see the current version.` });
    } else {
      setMessage({ tone: 'bad', text: `Not saved: ${describeError(error)}` });
    }
  };

  const save = useCallback(
    async (comment: string) => {
      if (!draft || !version) return;
      setBusy(true);
      setErrors([]);
      try {
        const answer = await replaceConfig(documentForSave(draft), comment, version.id);
        setMessage({ tone: 'ok', text: `Saved as version ${answer.version.id}.` });
        load();
      } catch (error) {
        report(error);
      } finally {
        setBusy(false);
      }
    },
    [draft, version, load],
  );

  const validate = useCallback(async () => {
    if (!draft) return;
    setBusy(true);
    try {
      const answer = await validateConfig(documentForSave(draft));
      setErrors(answer.errors);
      setMessage(answer.valid ? { tone: 'ok', text: 'Valid.' } : { tone: 'bad', text: `${answer.errors.length} problem${answer.errors.length === 1 ? '' : 's'}.` });
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  }, [draft]);

  const discard = useCallback(() => {
    if (original) setDraft(structuredClone(original));
    setDirty(false);
    setErrors([]);
    setMessage(null);
  }, [original]);

  return { version, draft, dirty, errors, message, busy, loadError, update, save, validate, discard };
}
