import { useEffect, useRef, useState } from 'react';
import { Button } from '../shared/Button';

/** Deleting removes the bytes from storage, so it takes a second, explicit click. */
export function DeleteModelButton({
  name,
  busy,
  onConfirm,
}: {
  name: string;
  busy: boolean;
  onConfirm: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  // Once the request is over (a refusal shows above the table), back to the plain button.
  const wasBusy = useRef(false);
  const box = useRef<HTMLSpanElement>(null);
  const refocus = useRef(false);
  const stop = () => {
    refocus.current = true; // keep the keyboard where it was
    setConfirming(false);
  };
  useEffect(() => {
    if (wasBusy.current && !busy) {
      refocus.current = true;
      setConfirming(false);
    }
    wasBusy.current = busy;
  }, [busy]);
  useEffect(() => {
    if (!confirming && refocus.current) {
      refocus.current = false;
      box.current?.querySelector('button')?.focus();
    }
  }, [confirming]);
  if (!confirming) {
    return (
      <span ref={box}>
        <Button variant="danger" aria-label={`Delete model ${name}`} onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </span>
    );
  }
  return (
    <span className="inline-flex gap-2">
      <Button
        variant="danger"
        busy={busy}
        busyLabel="Deleting…"
        aria-label={`Confirm: delete model ${name} and its file`}
        onClick={onConfirm}
        autoFocus
      >
        Confirm delete
      </Button>
      <Button variant="ghost" onClick={stop}>
        Cancel
      </Button>
    </span>
  );
}
