import type { ReactNode } from 'react';
import { PanelErrorBoundary } from './panel-error-boundary.tsx';

interface PanelProps {
  title: string;
  /** Controls shown right of the title. */
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}

/** A titled dashboard panel with its own error boundary. */
export function Panel({ title, actions, children, className, testId }: PanelProps) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={title} data-testid={testId}>
      <header className="panel-header">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">
        <PanelErrorBoundary title={title}>{children}</PanelErrorBoundary>
      </div>
    </section>
  );
}
