/**
 * First start: the server prints a one-time link `/setup#token=...`; this
 * page reads the token from the fragment (never sent to the server in a
 * request line or logged) and creates the first admin.
 */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../../../lib/http-client.ts';
import { useSession } from '../../../lib/session-context.tsx';
import { completeSetup } from '../api/auth-api.ts';

function tokenFromLocation(): string {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(window.location.search).get('token');
  return fromHash ?? fromQuery ?? '';
}

export function SetupPage() {
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenFromLocation);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    if (password !== String(form.get('confirm') ?? '')) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await completeSetup({ token, username: String(form.get('username') ?? ''), password });
      window.history.replaceState(null, '', '/');
      await refresh();
      navigate('/', { replace: true });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-form" onSubmit={submit} aria-label="First start setup">
        <h1>Create the first admin</h1>
        <p className="hint">The setup token comes from the one-time link the server printed at its first start.</p>
        <label>
          Setup token
          <input name="token" value={token} onChange={(e) => setToken(e.target.value)} required autoComplete="off" />
        </label>
        <label>
          Username
          <input name="username" autoComplete="username" required pattern="[A-Za-z0-9_.@\-]+" />
        </label>
        <label>
          Password (10 characters or more)
          <input name="password" type="password" autoComplete="new-password" minLength={10} required />
        </label>
        <label>
          Password again
          <input name="confirm" type="password" autoComplete="new-password" minLength={10} required />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create admin and log in'}
        </button>
      </form>
    </main>
  );
}
