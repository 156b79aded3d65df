import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useSession } from '../auth';
import { useT } from '../i18n';
import { problemMessage } from '../i18n/errors';
import { ErrorText, formText } from '../ui';

export function Login({ onLoggedIn, notice }: { onLoggedIn: (token: string) => void; notice?: string }) {
  const t = useT();
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
      setError(problemMessage(t, err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <LanguageSwitch />
        <h1 id="login-title">{t('login.title')}</h1>
        {notice && <p className="muted small">{notice}</p>}
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <label>
          {t('login.org')} <span className="muted">{t('login.orgHint')}</span>
          <input name="org" autoComplete="organization" />
        </label>
        <ErrorText>{error}</ErrorText>
        <button type="submit" disabled={busy}>
          {busy ? t('login.signingIn') : t('login.signIn')}
        </button>
      </form>
    </main>
  );
}

/** A temporary password must be replaced before anything else is shown. */
export function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const { me, logout } = useSession();
  const t = useT();
  const [error, setError] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = formText(form, 'new_password');
    if (next !== formText(form, 'confirm')) return setError(t('password.differ'));
    try {
      await api.post('/api/auth/password', {
        body: { current_password: formText(form, 'current_password'), new_password: next },
      });
      onChanged();
    } catch (err) {
      setError(problemMessage(t, err));
    }
  }
  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="pw-title">
        <h1 id="pw-title">{t('password.title')}</h1>
        <p>{t('password.intro', { name: me.user?.full_name ?? '' })}</p>
        <label>
          {t('password.temporary')}
          <input name="current_password" type="password" autoComplete="current-password" required />
        </label>
        <label>
          {t('password.new')}
          <input name="new_password" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <label>
          {t('password.again')}
          <input name="confirm" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <ErrorText>{error}</ErrorText>
        <button type="submit">{t('password.change')}</button>
        <button type="button" className="ghost" onClick={() => void logout()}>
          {t('shell.logout')}
        </button>
      </form>
    </main>
  );
}
