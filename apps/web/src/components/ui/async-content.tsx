/**
 * Renders an AsyncState honestly: a loading line, the server's error, or
 * "no data yet" when the server has nothing — never placeholder numbers.
 */
import type { ReactNode } from 'react';
import { describeError } from '../../lib/http-client.ts';
import type { AsyncState } from '../../lib/use-async.ts';

interface AsyncContentProps<T> {
  state: AsyncState<T> & { reload?: () => void };
  isEmpty?: (data: T) => boolean;
  emptyText?: string;
  children: (data: T) => ReactNode;
}

export function AsyncContent<T>({ state, isEmpty, emptyText, children }: AsyncContentProps<T>) {
  if (state.status === 'error' && state.data === undefined) {
    return (
      <p className="state-error" role="alert">
        Could not load: {describeError(state.error)}{' '}
        {state.reload ? (
          <button type="button" onClick={state.reload}>
            Retry
          </button>
        ) : null}
      </p>
    );
  }
  if (state.data === undefined) return <p className="state-loading">Loading…</p>;
  if (isEmpty?.(state.data)) return <NoData text={emptyText} />;
  return (
    <>
      {state.status === 'error' ? (
        <p className="state-error" role="alert">
          Refresh failed: {describeError(state.error)}
        </p>
      ) : null}
      {children(state.data)}
    </>
  );
}

export function NoData({ text }: { text?: string | undefined }) {
  return <p className="no-data">{text ?? 'No data yet.'}</p>;
}
