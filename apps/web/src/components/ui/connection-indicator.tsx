/** The stream's connection state, always visible in the header. */
import { useConnectionStatus, useStreamClient } from '../../lib/stream-context.tsx';
import { useNow } from '../../lib/use-now.ts';

const LABELS = {
  idle: 'not connected',
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  stopped: 'disconnected',
} as const;

export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const client = useStreamClient();
  const now = useNow(1000);
  const tone = status.state === 'open' ? 'ok' : status.state === 'connecting' ? 'warn' : 'bad';
  const retryIn = status.retryAt !== null ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : null;
  const title = [
    `stream: ${LABELS[status.state]}`,
    `last event id ${status.lastEventId}`,
    status.lastFrameAt !== null ? `last frame ${Math.round((now - status.lastFrameAt) / 1000)} s ago` : 'no frame yet',
    status.lastError ? `last problem: ${status.lastError}` : '',
  ]
    .filter((part) => part !== '')
    .join('\n');
  return (
    <div className={`connection connection-${tone}`} title={title} data-testid="connection-state" data-state={status.state}>
      <span className="connection-dot" aria-hidden="true" />
      <span>{LABELS[status.state]}</span>
      {status.state === 'reconnecting' && retryIn !== null ? (
        <span className="connection-detail">
          retry in {retryIn}s (attempt {status.attempt})
        </span>
      ) : null}
      {status.lostEvents > 0 ? <span className="connection-detail">{status.lostEvents} events lost to retention</span> : null}
      {status.state === 'reconnecting' ? (
        <button type="button" className="link-button" onClick={() => client.reconnectNow()}>
          reconnect now
        </button>
      ) : null}
    </div>
  );
}
