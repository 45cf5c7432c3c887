/**
 * Every view has its own URL; filters live in the query string. Views other
 * than the overview load on demand, so the first paint carries only the
 * shell and the overview.
 */
import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from '../features/auth/components/login-page.tsx';
import { SetupPage } from '../features/auth/components/setup-page.tsx';
import { OverviewPage } from '../features/overview/components/overview-page.tsx';
import { AppShell } from './app-shell.tsx';
import { RequireSession } from './require-session.tsx';

const SnoopPage = lazy(() => import('../features/snoop/components/snoop-page.tsx').then((m) => ({ default: m.SnoopPage })));
const SasPage = lazy(() => import('../features/sas/components/sas-page.tsx').then((m) => ({ default: m.SasPage })));
const TimelinePage = lazy(() => import('../features/timeline/components/timeline-page.tsx').then((m) => ({ default: m.TimelinePage })));
const StatsPage = lazy(() => import('../features/stats/components/stats-page.tsx').then((m) => ({ default: m.StatsPage })));
const ConsolePage = lazy(() => import('../features/console/components/console-page.tsx').then((m) => ({ default: m.ConsolePage })));
const ConfigPage = lazy(() => import('../features/config/components/config-page.tsx').then((m) => ({ default: m.ConfigPage })));
const CertificatesPage = lazy(() =>
  import('../features/certificates/components/certificates-page.tsx').then((m) => ({ default: m.CertificatesPage })),
);
const FlowsPage = lazy(() => import('../features/flows/components/flows-page.tsx').then((m) => ({ default: m.FlowsPage })));
const DiagnosePage = lazy(() => import('../features/diagnose/components/diagnose-page.tsx').then((m) => ({ default: m.DiagnosePage })));
const LabPage = lazy(() => import('../features/lab/components/lab-page.tsx').then((m) => ({ default: m.LabPage })));

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/setup', element: <SetupPage /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <AppShell />
      </RequireSession>
    ),
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'snoop', element: <SnoopPage /> },
      { path: 'sas', element: <SasPage /> },
      { path: 'timeline', element: <TimelinePage /> },
      { path: 'stats', element: <StatsPage /> },
      { path: 'console', element: <ConsolePage /> },
      { path: 'config', element: <ConfigPage /> },
      { path: 'certificates', element: <CertificatesPage /> },
      { path: 'flows', element: <FlowsPage /> },
      { path: 'diagnose', element: <DiagnosePage /> },
      { path: 'lab', element: <LabPage /> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);
