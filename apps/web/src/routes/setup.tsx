import { Password } from '@podpilot/common';
import { createFileRoute, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useSetup } from '../api/auth';
import { ApiRequestError } from '../api/client';
import { Button } from '../components/shared/Button';
import { ErrorAlert } from '../components/shared/ErrorAlert';
import { TextField } from '../components/shared/TextField';
import { AuthLayout } from '../components/shell/AuthLayout';
import { usePageTitle } from '../hooks/usePageTitle';
import { requireSetupPending } from '../lib/guards';

export const Route = createFileRoute('/setup')({
  beforeLoad: ({ context }) => requireSetupPending(context.queryClient),
  component: Setup,
});

const TITLE = 'Set the owner password';

/** The link printed by the hub is `/setup#token=…`: the fragment never reaches a server or its logs. */
function tokenFromHash(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') || null;
}

function Setup() {
  usePageTitle('Setup');
  const [token] = useState(tokenFromHash);
  return (
    <AuthLayout title={TITLE}>
      {token ? (
        <SetupForm token={token} />
      ) : (
        <div className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
          <p>This page needs the setup link, which carries a one-time token.</p>
          <p>
            The link is printed in the terminal where <code className="font-mono">podpilot hub</code> was
            started: open it from there.
          </p>
        </div>
      )}
    </AuthLayout>
  );
}

function SetupForm({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const setup = useSetup();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: typeof errors = {};
    const checked = Password.safeParse(password);
    if (!checked.success) next.password = sentence(checked.error.issues[0]?.message ?? 'invalid password');
    if (confirm !== password) next.confirm = 'The passwords do not match.';
    setErrors(next);
    if (next.password || next.confirm) return;
    setup.mutate({ token, password });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        You are the owner of this hub. Choose a password of at least 12 characters.
      </p>
      <TextField
        label="Password"
        type="password"
        name="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
      />
      <TextField
        label="Confirm password"
        type="password"
        name="confirm"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={errors.confirm}
      />
      <ErrorAlert error={setup.error}>
        <SetupErrorHint error={setup.error} />
      </ErrorAlert>
      <Button type="submit" busy={setup.isPending} busyLabel="Saving…" className="w-full">
        Set password
      </Button>
    </form>
  );
}

function SetupErrorHint({ error }: { error: unknown }) {
  if (!(error instanceof ApiRequestError)) return null;
  if (error.code === 'setup_done') {
    return (
      <Link to="/login" className="font-medium underline">
        Go to the login page
      </Link>
    );
  }
  return null;
}

/** "expected at least 12 characters" → "Expected at least 12 characters." */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${text.endsWith('.') ? '' : '.'}`;
}
