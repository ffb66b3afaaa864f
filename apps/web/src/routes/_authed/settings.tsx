import type { CreatedApiToken } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { tokensQuery } from '../../api/tokens';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';
import { CreatedTokenNotice } from '../../components/tokens/CreatedTokenNotice';
import { TokenCreateForm } from '../../components/tokens/TokenCreateForm';
import { TokensTable } from '../../components/tokens/TokensTable';
import { usePageTitle } from '../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/settings')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(tokensQuery);
  },
  component: Settings,
});

function Settings() {
  usePageTitle('Settings');
  const tokens = useQuery(tokensQuery);
  // Held only in this page's memory: leaving the page forgets the secret for good.
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
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
    </>
  );
}
