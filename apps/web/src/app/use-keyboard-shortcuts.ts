/**
 * Global keys: "g" then a view's key navigates (g s = Snoop), "/" focuses
 * the current view's filter, "?" toggles the key help. Ignored while typing
 * in a field.
 */
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { NAVIGATION } from './navigation.ts';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useKeyboardShortcuts(): [boolean, (open: boolean) => void] {
  const navigate = useNavigate();
  const [helpOpen, setHelpOpen] = useState(false);
  const pendingG = useRef(0);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === '?') {
        setHelpOpen((open) => !open);
        return;
      }
      if (event.key === 'Escape') {
        setHelpOpen(false);
        return;
      }
      if (event.key === '/') {
        const filter = document.querySelector<HTMLElement>('[data-shortcut-focus]');
        if (filter) {
          event.preventDefault();
          filter.focus();
        }
        return;
      }
      if (event.key === 'g') {
        pendingG.current = Date.now();
        return;
      }
      if (Date.now() - pendingG.current < 1500) {
        pendingG.current = 0;
        const target = NAVIGATION.find((item) => item.shortcut === event.key);
        if (target) {
          event.preventDefault();
          navigate(target.path);
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  return [helpOpen, setHelpOpen];
}
