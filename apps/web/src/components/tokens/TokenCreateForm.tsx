import { CreateApiTokenRequest, type CreatedApiToken } from '@podpilot/common';
import { type FormEvent, useState } from 'react';
import { useCreateToken } from '../../api/tokens';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TextField } from '../shared/TextField';

export function TokenCreateForm({ onCreated }: { onCreated: (token: CreatedApiToken) => void }) {
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const create = useCreateToken();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = CreateApiTokenRequest.safeParse({ name });
    if (!parsed.success) {
      setNameError(capitalize(parsed.error.issues[0]?.message ?? 'invalid name'));
      return;
    }
    setNameError(undefined);
    create.mutate(parsed.data, {
      onSuccess: (token) => {
        setName('');
        onCreated(token);
      },
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <TextField
          label="Token name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={nameError}
          hint="What will use it, e.g. “laptop CLI”."
          autoComplete="off"
          maxLength={100}
          className="sm:w-80"
        />
        <Button type="submit" busy={create.isPending} busyLabel="Creating…" className="sm:mt-7">
          Create token
        </Button>
      </div>
      <ErrorAlert error={create.error} />
    </form>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
