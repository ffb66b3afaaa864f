import { useEffect, useState } from 'react';

/** A small button that copies `text`, says so for a moment, and announces it to screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed'); // the Clipboard API needs HTTPS or localhost
    }
  }

  return (
    <>
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        title={state === 'failed' ? `Could not copy; the value is ${text}` : label}
        className={
          'inline-flex size-7 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900 ' +
          'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 ' +
          'dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white'
        }
      >
        <CopyIcon copied={state === 'copied'} />
      </button>
      <span role="status" className="sr-only">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : ''}
      </span>
    </>
  );
}

/** A check mark once copied, else two sheets. */
function CopyIcon({ copied }: { copied: boolean }) {
  return (
    <>
      {copied ? (
        <svg viewBox="0 0 20 20" className="size-4 text-emerald-600 dark:text-emerald-400" aria-hidden="true">
          <path d="M5 10.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      ) : (
        <svg
          viewBox="0 0 20 20"
          className="size-4"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          aria-hidden="true"
        >
          <rect x="7" y="7" width="9" height="10" rx="1.5" />
          <path d="M4 13V4.5A1.5 1.5 0 0 1 5.5 3H13" />
        </svg>
      )}
    </>
  );
}
