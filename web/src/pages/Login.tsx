import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import { useSession } from '../auth';
import { ErrorText, formText } from '../ui';

export function Login({ onLoggedIn, notice }: { onLoggedIn: (token: string) => void; notice?: string }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError('');
    try {
      const org = formText(form, 'org').trim();
      const result = await api.post('/api/auth/login', {
        body: {
          username: formText(form, 'username'),
          password: formText(form, 'password'),
          ...(org ? { org } : {}),
        },
      });
      onLoggedIn(result.token);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Roster</h1>
        {notice && <p className="muted small">{notice}</p>}
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <label>
          Organization <span className="muted">(optional slug)</span>
          <input name="org" autoComplete="organization" />
        </label>
        <ErrorText>{error}</ErrorText>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/** A temporary password must be replaced before anything else is shown. */
export function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const { me, logout } = useSession();
  const [error, setError] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = formText(form, 'new_password');
    if (next !== formText(form, 'confirm')) return setError('The two new passwords differ.');
    try {
      await api.post('/api/auth/password', {
        body: { current_password: formText(form, 'current_password'), new_password: next },
      });
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="pw-title">
        <h1 id="pw-title">Choose a new password</h1>
        <p>Welcome {me.user?.full_name}. Your password is temporary: choose your own to continue.</p>
        <label>
          Temporary password
          <input name="current_password" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input name="new_password" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <label>
          New password again
          <input name="confirm" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <ErrorText>{error}</ErrorText>
        <button type="submit">Change password</button>
        <button type="button" className="ghost" onClick={() => void logout()}>
          Log out
        </button>
      </form>
    </main>
  );
}
