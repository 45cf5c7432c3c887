/** A small coloured state label (tunnel and SA states, directions, codes). */
export type BadgeTone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export function StatusBadge({ tone, children, title }: { tone: BadgeTone; children: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
