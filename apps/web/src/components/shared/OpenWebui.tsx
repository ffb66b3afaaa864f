import type { WebuiAccess } from '@podpilot/common';
import { useState } from 'react';
import { apiCall } from '../../api/client';
import { endpoints } from '../../api/endpoints';
import { needsLink, webuiHref } from '../../lib/webui-access';
import { CopyButton } from './CopyButton';

interface Props {
  instance: { id: string; name: string };
  access: WebuiAccess | null;
  className: string;
}

/**
 * "Open WebUI" from the instance's `access`: a plain link for tailnet and local addresses; for a public one
 * a button that asks the hub for a short-lived signed link (the agent's proxy lets nothing else in) and
 * opens it. Renders nothing while no address is known.
 */
export function OpenWebui({ instance, access, className }: Props) {
  const [error, setError] = useState<string | null>(null);
  const href = webuiHref(access);
  if (!href) return null;
  const label = (
    <>
      Open WebUI<span className="sr-only"> of {instance.name} (new tab)</span>
    </>
  );
  if (!needsLink(access))
    return (
      <a href={href} target="_blank" rel="noreferrer" className={className}>
        {label}
      </a>
    );

  async function open() {
    setError(null);
    // Opened before the request: a window opened after an await is taken for a pop-up and blocked.
    const tab = window.open('about:blank', '_blank');
    try {
      const link = await apiCall(endpoints.instances.webuiLink, { params: { id: instance.id } });
      if (tab) {
        tab.opener = null;
        tab.location.href = link.url;
      } else window.location.assign(link.url);
    } catch (e) {
      tab?.close();
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button type="button" onClick={open} className={className}>
        {label}
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          Could not open the WebUI: {error}
        </span>
      ) : null}
    </span>
  );
}

/** The Tailscale SSH command for a tailnet instance, with a copy button; nothing otherwise. */
export function SshCommand({ access }: { access: WebuiAccess | null }) {
  if (!access?.ssh) return null;
  return (
    <span className="inline-flex items-center gap-1 self-center text-sm text-slate-600 dark:text-slate-400">
      SSH <code className="rounded bg-slate-100 px-1.5 py-0.5 dark:bg-slate-800">{access.ssh}</code>
      <CopyButton text={access.ssh} label="Copy the SSH command" />
    </span>
  );
}
