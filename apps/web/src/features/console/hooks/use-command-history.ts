/** Console command history with up/down recall, kept across reloads (localStorage, last 200). */
import { useCallback, useRef, useState } from 'react';

const STORAGE_KEY = 'tunnelscope.console.history';
const LIMIT = 200;

function loadHistory(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string').slice(-LIMIT) : [];
  } catch {
    return [];
  }
}

export interface CommandHistory {
  record(command: string): void;
  /** The previous (older) command, or undefined at the oldest. */
  older(currentDraft: string): string | undefined;
  newer(): string | undefined;
  resetCursor(): void;
}

export function useCommandHistory(): CommandHistory {
  const [entries, setEntries] = useState<string[]>(loadHistory);
  const cursor = useRef<number | null>(null);
  const draft = useRef('');

  const record = useCallback((command: string) => {
    setEntries((current) => {
      const next = current[current.length - 1] === command ? current : [...current, command].slice(-LIMIT);
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      } catch {
        // Storage full or disabled: history stays for this page only.
      }
      return next;
    });
    cursor.current = null;
  }, []);

  const older = useCallback(
    (currentDraft: string) => {
      if (entries.length === 0) return undefined;
      if (cursor.current === null) {
        draft.current = currentDraft;
        cursor.current = entries.length;
      }
      if (cursor.current === 0) return entries[0];
      cursor.current -= 1;
      return entries[cursor.current];
    },
    [entries],
  );

  const newer = useCallback(() => {
    if (cursor.current === null) return undefined;
    cursor.current += 1;
    if (cursor.current >= entries.length) {
      cursor.current = null;
      return draft.current;
    }
    return entries[cursor.current];
  }, [entries]);

  const resetCursor = useCallback(() => {
    cursor.current = null;
  }, []);

  return { record, older, newer, resetCursor };
}
