/** The dashboard's views in navigation order, with their keyboard shortcuts (g + key). */
export interface NavigationItem {
  path: string;
  label: string;
  shortcut: string;
  pending?: boolean;
}

export const NAVIGATION: readonly NavigationItem[] = [
  { path: '/', label: 'Overview', shortcut: 'o' },
  { path: '/snoop', label: 'Snoop', shortcut: 's' },
  { path: '/sas', label: 'SAs & tunnels', shortcut: 'a' },
  { path: '/timeline', label: 'Timeline', shortcut: 't' },
  { path: '/stats', label: 'Statistics', shortcut: 'i' },
  { path: '/console', label: 'Console', shortcut: 'c' },
  { path: '/config', label: 'Config', shortcut: 'f' },
  { path: '/certificates', label: 'Certificates', shortcut: 'e' },
  { path: '/flows', label: 'Flows', shortcut: 'w' },
  { path: '/diagnose', label: 'Diagnose', shortcut: 'd' },
  { path: '/lab', label: 'Lab', shortcut: 'l' },
];
