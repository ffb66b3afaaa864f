import type { TailscaleCheckResponse } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { Card, Code } from '../shared/Card';
import { QueryError } from '../shared/QueryState';
import { externalLink } from '../shared/styles';
import type { StoredSecret } from './ProviderCredentials';
import { SecretRow } from './SecretRow';
import { tailscaleCheckQuery } from './settings-queries';

const link = (href: string, text: string) => (
  <a href={href} target="_blank" rel="noreferrer" className={externalLink}>
    {text}
  </a>
);

const CREDENTIALS = [
  {
    name: 'tailscale.oauth_client_id',
    label: 'OAuth client ID',
    hint: (
      <>
        With the secret below; preferred over an API key (it does not expire). Scopes: auth keys, devices,
        policy file.
      </>
    ),
  },
  {
    name: 'tailscale.oauth_client_secret',
    label: 'OAuth client secret',
    hint: <>The client's secret (tskey-client-…).</>,
  },
  {
    name: 'tailscale.api_key',
    label: 'API access token',
    hint: (
      <>
        Used when no OAuth client is stored. From{' '}
        {link('https://login.tailscale.com/admin/settings/keys', 'Tailscale → Settings → Keys')}.
      </>
    ),
  },
  {
    name: 'tailscale.tailnet',
    label: 'Tailnet (optional)',
    hint: (
      <>
        The tailnet's name; unset means the credentials' own tailnet (<Code>-</Code>).
      </>
    ),
  },
] as const;

const USING: Record<NonNullable<TailscaleCheckResponse['credentials']>, string> = {
  oauth: 'Using the OAuth client',
  api_key: 'Using the API access token',
};

/**
 * Tailscale: instances join the tailnet with a single-use key the hub mints, so WebUIs and SSH are reachable
 * from the owner's devices only. Which credentials are in use, and what the policy check says of the tailnet.
 */
export function TailscaleCard({ secrets }: { secrets: StoredSecret[] }) {
  const setAt = (name: string) => secrets.find((s) => s.name === name)?.updatedAt ?? null;
  return (
    <Card className="space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        With credentials stored, each instance on a cloud provider joins your tailnet as{' '}
        <Code>tag:podpilot-agent</Code>: its WebUI and SSH publish no public port and answer only your
        devices. Store an OAuth client (both parts) or an API access token; see{' '}
        {link('https://tailscale.com/kb/1215/oauth-clients', 'Tailscale’s OAuth clients')}.
      </p>
      <PolicyCheck />
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {CREDENTIALS.map((c) => (
          <SecretRow key={c.name} name={c.name} label={c.label} hint={c.hint} updatedAt={setAt(c.name)} />
        ))}
      </ul>
    </Card>
  );
}

/** Which credentials the hub uses and what `podpilot tailscale check` says, as the hub answers it. */
function PolicyCheck() {
  const check = useQuery(tailscaleCheckQuery);
  if (check.isError) return <QueryError error={check.error} retry={() => void check.refetch()} />;
  if (!check.data)
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        Checking the tailnet policy…
      </p>
    );
  const { credentials, status, differences, message } = check.data;
  return (
    <section
      aria-label="Tailscale status"
      className="space-y-2 rounded-md bg-slate-50 px-3 py-2 text-sm dark:bg-slate-800/60"
    >
      <p className="font-medium">
        {credentials ? USING[credentials] : 'Not configured: instances use public ports (see below)'}
        {credentials ? ` · policy: ${STATUS[status]}` : ''}
      </p>
      {credentials && message ? <p className="text-slate-700 dark:text-slate-300">{message}</p> : null}
      {differences.length ? (
        <ul className="list-disc space-y-1 pl-5 text-slate-700 dark:text-slate-300">
          {differences.map((d) => (
            <li key={d} className="break-words">
              {d}
            </li>
          ))}
        </ul>
      ) : null}
      {status === 'differs' ? (
        <p className="text-slate-700 dark:text-slate-300">
          Print the policy PodPilot needs with{' '}
          <Code>podpilot tailscale policy --hub-port {check.data.hubPort}</Code> and merge it into the
          tailnet’s policy file.
        </p>
      ) : null}
    </section>
  );
}

const STATUS: Record<TailscaleCheckResponse['status'], string> = {
  'not-configured': 'not checked',
  matches: 'enforces what PodPilot needs',
  differs: 'differs from what PodPilot needs',
  unchecked: 'could not be checked',
};
