import { createFileRoute } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useLogin } from '../api/auth';
import { Button } from '../components/shared/Button';
import { ErrorAlert } from '../components/shared/ErrorAlert';
import { TextField } from '../components/shared/TextField';
import { AuthLayout } from '../components/shell/AuthLayout';
import { usePageTitle } from '../hooks/usePageTitle';
import { requireSignedOut } from '../lib/guards';

export const Route = createFileRoute('/login')({
  beforeLoad: ({ context }) => requireSignedOut(context.queryClient),
  component: Login,
});

function Login() {
  usePageTitle('Log in');
  const [password, setPassword] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const login = useLogin();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!password) {
      setFieldError('Enter your password.');
      return;
    }
    setFieldError(undefined);
    login.mutate({ password });
  }

  return (
    <AuthLayout title="Log in">
      <form onSubmit={submit} noValidate className="space-y-5">
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError}
        />
        <ErrorAlert error={login.error} />
        <Button type="submit" busy={login.isPending} busyLabel="Logging in…" className="w-full">
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
