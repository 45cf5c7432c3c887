/**
 * "Would this PSK work?": an operator types the key the peer believes it
 * uses; the server tests it against the AUTH the peer actually sent. The
 * field is write-only: it is emptied the moment the key is sent, and
 * neither the request's answer nor this view ever shows the key.
 */
import { useState, type FormEvent } from 'react';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { StatusBadge, type BadgeTone } from '../../../components/ui/status-badge.tsx';
import { describeError } from '../../../lib/http-client.ts';
import { testPsk, type PskType, type TestPskDiagnosisResponse } from '../api/diagnose-api.ts';

const RESULT_WORDS: Record<TestPskDiagnosisResponse['result'], { label: string; tone: BadgeTone }> = {
  match: { label: 'this key works', tone: 'ok' },
  mismatch: { label: 'this key does not work', tone: 'bad' },
  no_evidence: { label: 'not verified', tone: 'warn' },
};

export function PskTestForm({ tunnel }: { tunnel: string }) {
  const [kind, setKind] = useState<PskType>('passphrase');
  const [candidate, setCandidate] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ result: TestPskDiagnosisResponse['result']; detail: string; kind: PskType } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (candidate === '') return;
    const key = candidate;
    setCandidate('');
    setBusy(true);
    setError(null);
    try {
      const response = await testPsk(tunnel, kind, key);
      setAnswer({ result: response.result, detail: response.detail, kind });
    } catch (err) {
      setAnswer(null);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <RoleGate role="operator" fallback={<p className="muted small">Testing a candidate key needs the operator role.</p>}>
      <form className="psk-test toolbar" onSubmit={(event) => void submit(event)} data-testid="psk-test" aria-label={`Would this PSK work for ${tunnel}?`}>
        <label>
          Key type
          <select value={kind} onChange={(event) => setKind(event.target.value as PskType)} aria-label="Candidate key type">
            <option value="passphrase">Passphrase</option>
            <option value="hex">Hex key</option>
          </select>
        </label>
        <label>
          Candidate key
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={candidate}
            onChange={(event) => setCandidate(event.target.value)}
            placeholder={kind === 'hex' ? 'hex digits' : 'passphrase'}
            aria-label="Candidate pre-shared key"
            data-testid="psk-candidate"
          />
        </label>
        <button type="submit" disabled={busy || candidate === ''}>
          {busy ? 'Testing…' : 'Test key'}
        </button>
      </form>
      <p className="muted small">The key is sent once, tested against the AUTH the peer sent for "{tunnel}", and neither stored nor shown again.</p>
      {error ? (
        <p className="state-error" role="alert">
          {error}
        </p>
      ) : null}
      {answer ? (
        <p data-testid="psk-test-result" data-result={answer.result}>
          <StatusBadge tone={RESULT_WORDS[answer.result].tone}>{RESULT_WORDS[answer.result].label}</StatusBadge> {answer.detail}
        </p>
      ) : null}
    </RoleGate>
  );
}
