import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { healthQuery, secretsQuery } from '../../api/settings';
import { tokensQuery } from '../../api/tokens';
import { HubInfo } from '../../components/settings/HubInfo';
import { IdlePolicyCard, TailscaleCard } from '../../components/settings/InfoCards';
import { ModelSiteTokens } from '../../components/settings/ModelSiteTokens';
import { ProviderCredentials } from '../../components/settings/ProviderCredentials';
import { QueryState } from '../../components/shared/QueryState';
import { Section } from '../../components/shared/Section';
import { ApiTokens } from '../../components/tokens/ApiTokens';
import { usePageTitle } from '../../hooks/usePageTitle';

export const Route = createFileRoute('/_authed/settings')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(secretsQuery);
    void context.queryClient.prefetchQuery(tokensQuery);
    void context.queryClient.prefetchQuery(healthQuery);
  },
  component: Settings,
});

function Settings() {
  usePageTitle('Settings');
  const secrets = useQuery(secretsQuery);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
      <Section
        title="Provider credentials"
        description="API keys of the GPU clouds PodPilot rents from. Stored encrypted in the hub and never shown again: paste a new value to replace one."
      >
        <QueryState query={secrets} what="credentials">
          {(data) => <ProviderCredentials secrets={data.secrets} />}
        </QueryState>
      </Section>
      <Section
        title="Model sites"
        description="Tokens for gated and login-only models. Agents send each only to its own site."
      >
        <QueryState query={secrets} what="credentials">
          {(data) => <ModelSiteTokens secrets={data.secrets} />}
        </QueryState>
      </Section>
      <ApiTokens />
      <Section title="Idle policy" description="How PodPilot keeps a forgotten GPU from running up the bill.">
        <IdlePolicyCard />
      </Section>
      <Section title="Hub and storage" description="Set when the hub starts; read-only here.">
        <HubInfo />
      </Section>
      <Section title="Tailscale" description="Private networking for your instances.">
        {secrets.data ? (
          <TailscaleCard
            updatedAt={secrets.data.secrets.find((s) => s.name === 'tailscale.api_key')?.updatedAt ?? null}
          />
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {secrets.isError ? 'Credentials could not be loaded (see above).' : 'Loading…'}
          </p>
        )}
      </Section>
    </>
  );
}
