/**
 * Trace (operators; the ping form is shared UI, components/ui/ping-form.tsx):
 * a trace shows, step by step, which route, rule, traffic selector and SA
 * one packet would hit, or exactly why it would be dropped.
 */
import { useState, type FormEvent } from 'react';
import type { TraceRequest } from '@tunnelscope/api';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { fieldErrorsOf, optionalInteger, useFormAction } from '../../../lib/form-fields.ts';
import { describeError } from '../../../lib/http-client.ts';
import { runTrace } from '../api/flows-api.ts';



const PROTOCOLS = ['icmp', 'udp', 'tcp'] as const;

export function TraceForm({ interfaces }: { interfaces: readonly string[] }) {
  const [sourceInterface, setSourceInterface] = useState('');
  const [protocol, setProtocol] = useState<string>('icmp');
  const [source, setSource] = useState('');
  const [destination, setDestination] = useState('');
  const [sourcePort, setSourcePort] = useState('');
  const [destinationPort, setDestinationPort] = useState('');
  const { running, result, error, submit: post } = useFormAction(runTrace);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const request: TraceRequest = { sourceInterface: sourceInterface.trim(), protocol, source: source.trim(), destination: destination.trim() };
    const sp = optionalInteger(sourcePort);
    const dp = optionalInteger(destinationPort);
    if (protocol !== 'icmp' && sp !== undefined) request.sourcePort = sp;
    if (protocol !== 'icmp' && dp !== undefined) request.destinationPort = dp;
    await post(request);
  }

  const fieldErrors = fieldErrorsOf(error);
  return (
    <div className="dp-tool" data-testid="trace-tool">
      <form className="toolbar" onSubmit={submit} aria-label="Trace">
        <label>
          Arrives on
          <select value={sourceInterface} onChange={(e) => setSourceInterface(e.target.value)} aria-label="Trace source interface" required>
            <option value="">interface…</option>
            {interfaces.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          {fieldErrors['sourceInterface'] ? <span className="field-error">{fieldErrors['sourceInterface']}</span> : null}
        </label>
        <label>
          Protocol
          <select value={protocol} onChange={(e) => setProtocol(e.target.value)} aria-label="Trace protocol">
            {PROTOCOLS.map((name) => (
              <option key={name} value={name}>
                {name.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source
          <input value={source} onChange={(e) => setSource(e.target.value)} required aria-label="Trace source address" size={14} />
          {fieldErrors['source'] ? <span className="field-error">{fieldErrors['source']}</span> : null}
        </label>
        <label>
          Destination
          <input value={destination} onChange={(e) => setDestination(e.target.value)} required aria-label="Trace destination address" size={14} />
          {fieldErrors['destination'] ? <span className="field-error">{fieldErrors['destination']}</span> : null}
        </label>
        {protocol !== 'icmp' ? (
          <>
            <label>
              Src port
              <input value={sourcePort} onChange={(e) => setSourcePort(e.target.value)} aria-label="Trace source port" size={6} />
            </label>
            <label>
              Dst port
              <input value={destinationPort} onChange={(e) => setDestinationPort(e.target.value)} aria-label="Trace destination port" size={6} />
            </label>
          </>
        ) : null}
        <button type="submit" className="primary" disabled={running}>
          {running ? 'Tracing…' : 'Trace'}
        </button>
      </form>
      {error !== null ? (
        <p className="state-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
      {result ? (
        <div data-testid="trace-result">
          <p>
            Verdict:{' '}
            <StatusBadge tone={result.verdict === 'drop' ? 'bad' : 'ok'}>{result.verdict}</StatusBadge>
            {result.dropReason ? <span className="mono"> {result.dropReason}</span> : null}
            {result.rule ? <span> by rule <strong>{result.rule}</strong></span> : null}
            {result.tunnel ? <span> into tunnel <strong>{result.tunnel}</strong></span> : null}
            {result.spi ? <span className="mono"> SPI {result.spi}</span> : null}
          </p>
          <ol className="dp-lines">
            {result.steps.map((step, index) => (
              <li key={index} data-testid="trace-step" data-stage={step.stage} data-ok={step.ok}>
                <StatusBadge tone={step.ok ? 'ok' : 'bad'}>{step.stage}</StatusBadge> {step.text}
              </li>
            ))}
          </ol>
          <details>
            <summary>Console output</summary>
            <pre className="dp-text">{result.text}</pre>
          </details>
        </div>
      ) : null}
    </div>
  );
}
