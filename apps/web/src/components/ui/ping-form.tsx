/**
 * A ping form (operators): real ICMP echoes through the engine's data plane
 * and tunnels, each reply listed (or why there was none: the rule or route
 * that dropped it, or a timeout) with the summary. The feature using it
 * passes its own API call.
 */
import { useState, type FormEvent } from 'react';
import type { PingRequest, PingResult } from '@tunnelscope/api';
import { fieldErrorsOf, optionalInteger, useFormAction } from '../../lib/form-fields.ts';
import { describeError } from '../../lib/http-client.ts';
import { StatusBadge } from './status-badge.tsx';



export function PingForm({ run, hint, placeholder = 'address behind the peer' }: { run: (request: PingRequest) => Promise<PingResult>; hint?: string; placeholder?: string }) {
  const [destination, setDestination] = useState('');
  const [source, setSource] = useState('');
  const [count, setCount] = useState('4');
  const { running, result, error, submit: post } = useFormAction(run);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const request: PingRequest = { destination: destination.trim() };
    if (source.trim() !== '') request.source = source.trim();
    const parsedCount = optionalInteger(count);
    if (parsedCount !== undefined) request.count = parsedCount;
    await post(request);
  }

  const fieldErrors = fieldErrorsOf(error);
  const lossPercent = result && result.sent > 0 ? Math.round(((result.sent - result.received) / result.sent) * 100) : 0;
  return (
    <div className="dp-tool" data-testid="ping-tool">
      <form className="toolbar" onSubmit={submit} aria-label="Ping">
        <label>
          Destination
          <input value={destination} onChange={(e) => setDestination(e.target.value)} required placeholder={placeholder} aria-label="Ping destination" />
          {fieldErrors['destination'] ? <span className="field-error">{fieldErrors['destination']}</span> : null}
        </label>
        <label>
          Source
          <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="by route" aria-label="Ping source" />
          {fieldErrors['source'] ? <span className="field-error">{fieldErrors['source']}</span> : null}
        </label>
        <label>
          Count
          <input type="number" min={1} max={100} value={count} onChange={(e) => setCount(e.target.value)} aria-label="Ping count" style={{ width: 60 }} />
          {fieldErrors['count'] ? <span className="field-error">{fieldErrors['count']}</span> : null}
        </label>
        <button type="submit" className="primary" disabled={running || destination.trim() === ''}>
          {running ? 'Pinging…' : 'Ping'}
        </button>
        {hint ? <span className="muted small">{hint}</span> : null}
      </form>
      {error !== null ? (
        <p className="state-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
      {result ? (
        <div data-testid="ping-result">
          <p className="mono">
            PING {result.destination} from {result.source}
          </p>
          <ol className="dp-lines">
            {result.replies.map((reply) => (
              <li key={reply.sequence} className="mono" data-testid="ping-reply" data-ok={reply.ok}>
                {reply.ok ? (
                  <>
                    <StatusBadge tone="ok">reply</StatusBadge> seq={reply.sequence} from {reply.from ?? result.destination}
                    {reply.ttl !== undefined ? ` ttl=${reply.ttl}` : ''}
                    {reply.rttMs !== undefined ? ` time=${reply.rttMs.toFixed(2)} ms` : ''}
                  </>
                ) : (
                  <>
                    <StatusBadge tone="bad">no reply</StatusBadge> seq={reply.sequence}: {reply.error ?? 'no reply'}
                  </>
                )}
              </li>
            ))}
          </ol>
          <p className="mono" data-testid="ping-summary">
            {result.sent} packets transmitted, {result.received} received, {lossPercent}% packet loss
          </p>
          <details>
            <summary>Console output</summary>
            <pre className="dp-text">{result.text}</pre>
          </details>
        </div>
      ) : null}
    </div>
  );
}
