import type { CreatedApiToken } from '@podpilot/common';
import { useRef, useState } from 'react';
import { Button } from '../shared/Button';

/** The only place a token's secret is ever shown: copy it now, it is gone once dismissed. */
export function CreatedTokenNotice({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setStatus('Copied to the clipboard.');
    } catch {
      // The Clipboard API needs HTTPS or localhost; select the text so Ctrl/Cmd+C works.
      input.current?.select();
      setStatus('Could not copy automatically: the token is selected, press Ctrl+C (⌘C on a Mac).');
    }
  }

  return (
    <section
      aria-label="New API token"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/40"
    >
      <h3 className="font-semibold text-amber-900 dark:text-amber-200">Token “{token.name}” created</h3>
      <p className="mt-1 text-sm text-amber-900 dark:text-amber-200">
        Copy it now and keep it somewhere safe: <strong>it will not be shown again.</strong>
      </p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row">
        <label htmlFor="created-token" className="sr-only">
          Token value
        </label>
        <input
          id="created-token"
          ref={input}
          readOnly
          value={token.token}
          onFocus={(e) => e.currentTarget.select()}
          className={
            'block w-full min-w-0 flex-1 rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 ' +
            'ring-1 ring-amber-300 ring-inset focus:outline-2 focus:outline-indigo-500 ' +
            'dark:bg-slate-900 dark:text-slate-100 dark:ring-amber-800'
          }
        />
        <div className="flex gap-2">
          <Button onClick={copy}>Copy</Button>
          <Button variant="secondary" onClick={onDone}>
            Done
          </Button>
        </div>
      </div>
      <p aria-live="polite" className="mt-2 min-h-5 text-sm text-amber-900 dark:text-amber-200">
        {status}
      </p>
    </section>
  );
}
