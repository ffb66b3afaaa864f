import type { CreatedApiToken } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { healthQuery, secretsQuery } from '../../api/settings';
import { tokensQuery } from '../../api/tokens';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';
import { HubInfo } from '../../components/settings/HubInfo';
import { IdlePolicyCard, TailscaleCard } from '../../components/settings/InfoCards';
import { ProviderCredentials } from '../../components/settings/ProviderCredentials';
import { CreatedTokenNotice } from '../../components/tokens/CreatedTokenNotice';
import { TokenCreateForm } from '../../components/tokens/TokenCreateForm';
import { TokensTable } from '../../components/tokens/TokensTable';
import { usePageTitle } from '../../lib/usePageTitle';

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
        {secrets.isError ? (
          <ErrorAlert error={secrets.error}>
            <Button variant="secondary" onClick={() => void secrets.refetch()}>
              Try again
            </Button>
          </ErrorAlert>
        ) : null}
        {secrets.isPending ? (
          <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
            Loading credentials…
          </p>
        ) : null}
        {secrets.data ? <ProviderCredentials secrets={secrets.data.secrets} /> : null}
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

function ApiTokens() {
  const tokens = useQuery(tokensQuery);
  // Held only in this page's memory: leaving the page forgets the secret for good.
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  return (
    <Section
      title="API tokens"
      description="Tokens let the podpilot CLI and your scripts use this hub as you. Revoke one you no longer use."
    >
      <TokenCreateForm onCreated={setCreated} />
      {created ? <CreatedTokenNotice token={created} onDone={() => setCreated(null)} /> : null}
      {tokens.isError ? (
        <ErrorAlert error={tokens.error}>
          <Button variant="secondary" onClick={() => void tokens.refetch()}>
            Try again
          </Button>
        </ErrorAlert>
      ) : null}
      {tokens.isPending ? (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          Loading tokens…
        </p>
      ) : null}
      {tokens.data?.tokens.length === 0 ? (
        <EmptyState title="No API tokens">
          Create one above to use the CLI or a script with this hub.
        </EmptyState>
      ) : null}
      {tokens.data?.tokens.length ? <TokensTable tokens={tokens.data.tokens} /> : null}
    </Section>
  );
}
