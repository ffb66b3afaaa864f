import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { healthQuery, secretsQuery } from '../../api/settings';
import { tokensQuery } from '../../api/tokens';
import { BrowserNoticesCard } from '../../components/settings/BrowserNoticesCard';
import { HubInfo } from '../../components/settings/HubInfo';
import { IdlePolicyCard } from '../../components/settings/InfoCards';
import { ModelSiteTokens } from '../../components/settings/ModelSiteTokens';
import { NotificationTargets } from '../../components/settings/NotificationTargets';
import { notificationTargetsQuery } from '../../components/settings/notification-targets-queries';
import { ProviderCredentials } from '../../components/settings/ProviderCredentials';
import { storageQuery, tailscaleCheckQuery } from '../../components/settings/settings-queries';
import { TailscaleCard } from '../../components/settings/TailscaleCard';
import { QueryState } from '../../components/shared/QueryState';
import { Section } from '../../components/shared/Section';
import { ApiTokens } from '../../components/tokens/ApiTokens';
import { usePageTitle } from '../../hooks/usePageTitle';

export const Route = createFileRoute('/_authed/settings')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(secretsQuery);
    void context.queryClient.prefetchQuery(tokensQuery);
    void context.queryClient.prefetchQuery(healthQuery);
    void context.queryClient.prefetchQuery(storageQuery);
    void context.queryClient.prefetchQuery(tailscaleCheckQuery);
    void context.queryClient.prefetchQuery(notificationTargetsQuery);
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
      <Section
        title="Notifications"
        description="Word when an instance is ready, fails, crashes or stops, and when the budget runs out."
      >
        <div className="space-y-4">
          <NotificationTargets />
          <BrowserNoticesCard />
        </div>
      </Section>
      <Section title="Hub and storage" description="Set when the hub starts; read-only here.">
        <HubInfo />
      </Section>
      <Section
        title="Tailscale"
        description="Private networking: instances reachable from your own devices only."
      >
        <QueryState query={secrets} what="credentials">
          {(data) => <TailscaleCard secrets={data.secrets} />}
        </QueryState>
      </Section>
    </>
  );
}
