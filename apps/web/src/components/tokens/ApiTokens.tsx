import type { CreatedApiToken } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { tokensQuery } from '../../api/tokens';
import { EmptyState } from '../shared/EmptyState';
import { QueryState } from '../shared/QueryState';
import { Section } from '../shared/Section';
import { CreatedTokenNotice } from './CreatedTokenNotice';
import { TokenCreateForm } from './TokenCreateForm';
import { TokensTable } from './TokensTable';

/** Settings → API tokens: create one (its secret shown once), list them, revoke. */
export function ApiTokens() {
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
      <QueryState query={tokens} what="tokens">
        {(data) =>
          data.tokens.length === 0 ? (
            <EmptyState title="No API tokens">
              Create one above to use the CLI or a script with this hub.
            </EmptyState>
          ) : (
            <TokensTable tokens={data.tokens} />
          )
        }
      </QueryState>
    </Section>
  );
}
