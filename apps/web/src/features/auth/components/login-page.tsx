import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { describeError } from '../../../lib/http-client.ts';
import { useSession } from '../../../lib/session-context.tsx';
import { fetchSetupNeeded, logIn } from '../api/auth-api.ts';

export function LoginPage() {
  const { refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [setupNeeded, setSetupNeeded] = useState(false);
  const returnTo = (location.state as { from?: string } | null)?.from ?? '/';

  useEffect(() => {
    fetchSetupNeeded()
      .then((answer) => setSetupNeeded(answer.needed))
      .catch(() => setSetupNeeded(false));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await logIn({ username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') });
      await refresh();
      navigate(returnTo, { replace: true });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-form" onSubmit={submit} aria-label="Log in">
        <h1>tunnelscope</h1>
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        {setupNeeded ? (
          <p className="hint">
            No user exists yet. Open the one-time setup link the server printed at its first start (it looks like{' '}
            <code>/setup#token=…</code>), or go to <Link to="/setup">setup</Link> and paste the token.
          </p>
        ) : null}
      </form>
    </main>
  );
}
