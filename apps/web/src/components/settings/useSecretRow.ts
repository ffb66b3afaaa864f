import { type FormEvent, useState } from 'react';
import { useDeleteSecret, usePutSecret } from '../../api/settings';

/** One credential's form: the value typed (cleared once saved), its error, what was done, and Remove. */
export function useSecretRow(name: string, label: string) {
  const [value, setValue] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [status, setStatus] = useState('');
  const [confirming, setConfirming] = useState(false);
  const put = usePutSecret();
  const remove = useDeleteSecret();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus('');
    if (value.trim() === '') {
      setFieldError(`Paste the ${label} to save it`);
      return;
    }
    setFieldError(undefined);
    put.mutate(
      { name, value: value.trim() },
      {
        onSuccess: () => {
          setValue('');
          setStatus(`${label} saved.`);
        },
      },
    );
  }

  const change = (next: string) => {
    setValue(next);
    setFieldError(undefined);
    setStatus('');
  };

  const confirmRemove = () =>
    remove.mutate(name, {
      onSuccess: () => {
        setConfirming(false);
        setStatus(`${label} removed.`);
      },
    });

  return { value, change, fieldError, status, confirming, setConfirming, put, remove, submit, confirmRemove };
}

export type SecretRowState = ReturnType<typeof useSecretRow>;
