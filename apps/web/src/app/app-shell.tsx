/** The frame around every view: navigation, the stream's state, the user, the theme. */
import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router';
import { ConnectionIndicator } from '../components/ui/connection-indicator.tsx';
import { PanelErrorBoundary } from '../components/ui/panel-error-boundary.tsx';
import { usePrincipal, useSession } from '../lib/session-context.tsx';
import { useTheme } from '../lib/theme.ts';
import { NAVIGATION } from './navigation.ts';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts.ts';

export function AppShell() {
  const principal = usePrincipal();
  const { logout } = useSession();
  const [theme, toggleTheme] = useTheme();
  const [helpOpen, setHelpOpen] = useKeyboardShortcuts();

  return (
    <div className="shell">
      <header className="shell-header">
        <span className="brand">tunnelscope</span>
        <nav className="shell-nav" aria-label="Views">
          {NAVIGATION.map((item) => (
            <NavLink
              key={item.path}
              to={item.path}
              end={item.path === '/'}
              className={({ isActive }) => `nav-link${isActive ? ' active' : ''}${item.pending ? ' pending' : ''}`}
              title={`g ${item.shortcut}`}
            >
              {item.label}
            </NavLink>
          ))}
        </nav>
        <ConnectionIndicator />
        <span className="user" data-testid="current-user" data-role={principal.role}>
          {principal.name} <span className="role">({principal.role})</span>
        </span>
        <button type="button" onClick={toggleTheme} title="Switch theme" aria-label="Switch theme">
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main className="shell-main">
        <PanelErrorBoundary title="view">
          <Suspense fallback={<p className="state-loading">Loading view…</p>}>
            <Outlet />
          </Suspense>
        </PanelErrorBoundary>
      </main>
      {helpOpen ? (
        <div className="key-help" role="dialog" aria-label="Keyboard shortcuts">
          <h2>Keyboard</h2>
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.path}>
                <kbd>g</kbd> <kbd>{item.shortcut}</kbd> {item.label}
              </li>
            ))}
            <li>
              <kbd>/</kbd> focus the view's filter
            </li>
            <li>
              <kbd>?</kbd> this help, <kbd>Esc</kbd> close
            </li>
          </ul>
          <button type="button" onClick={() => setHelpOpen(false)}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}
