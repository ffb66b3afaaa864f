import { Card, Code } from '../shared/Card';
import { externalLink } from '../shared/styles';
import { SecretRow } from './SecretRow';

/** Private networking is not built yet; its API key can already be stored. */
export function TailscaleCard({ updatedAt }: { updatedAt: string | null }) {
  return (
    <Card className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <span className="inline-flex rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-700 ring-1 ring-sky-200 ring-inset dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900">
          Coming with private networking
        </span>
      </div>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Instances will join your tailnet so their WebUIs are reachable only from your own devices, without
        public ports. See{' '}
        <a
          href="https://tailscale.com/kb/1085/auth-keys"
          target="_blank"
          rel="noreferrer"
          className={externalLink}
        >
          Tailscale’s documentation on keys
        </a>
        .
      </p>
      <ul>
        <SecretRow
          name="tailscale.api_key"
          label="Tailscale API key"
          hint="Stored encrypted now; used once private networking arrives."
          updatedAt={updatedAt}
        />
      </ul>
    </Card>
  );
}

export function IdlePolicyCard() {
  return (
    <Card className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
      <p>
        Profiles default to <strong>stop after 30 idle minutes</strong>. An instance is idle when nothing
        shows work: no GPU load, no WebUI job, no new output and no client request. A warning goes out before
        it stops, and every output is synced first.
      </p>
      <p>
        Set <Code>idle:</Code> in a profile to change its minutes or action, or override it per instance
        (including “keep awake” for a while) on the instance’s page or with <Code>podpilot idle</Code> and{' '}
        <Code>podpilot keep-awake</Code>.
      </p>
    </Card>
  );
}
