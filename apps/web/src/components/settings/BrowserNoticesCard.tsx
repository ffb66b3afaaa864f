import { useState } from 'react';
import { setBrowserNotices, useBrowserNoticesState } from '../../hooks/useBrowserNotices';
import { Button } from '../shared/Button';
import { Card } from '../shared/Card';

const SAYS = {
  unsupported: 'This browser cannot show notifications here (they need a secure origin: https or localhost).',
  blocked: 'Notifications are blocked for this site: allow them in the browser’s site settings first.',
  off: 'Off in this browser.',
  on: 'On: while a PodPilot tab is open, this browser tells you when an instance is ready, fails or stops.',
} as const;

/** Browser notifications while a tab is open: the owner's choice per browser, with the browser's permission. */
export function BrowserNoticesCard() {
  const state = useBrowserNoticesState();
  const [busy, setBusy] = useState(false);
  const toggle = async (on: boolean) => {
    setBusy(true);
    try {
      await setBrowserNotices(on);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="flex flex-wrap items-center justify-between gap-3">
      <div>
        <h3 className="text-sm font-medium">Browser notifications</h3>
        <p className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
          {SAYS[state]}
        </p>
      </div>
      {state === 'on' ? (
        <Button variant="secondary" busy={busy} onClick={() => void toggle(false)}>
          Turn off
        </Button>
      ) : state === 'off' ? (
        <Button busy={busy} busyLabel="Asking the browser…" onClick={() => void toggle(true)}>
          Turn on in this browser
        </Button>
      ) : null}
    </Card>
  );
}
