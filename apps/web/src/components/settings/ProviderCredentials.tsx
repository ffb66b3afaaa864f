import type { ReactNode } from 'react';
import { Card, Code } from '../shared/Card';
import { externalLink } from '../shared/styles';
import { SecretRow } from './SecretRow';

export interface StoredSecret {
  name: string;
  updatedAt: string;
}

/** The credentials the hub accepts (`SecretName` in @podpilot/common) that belong to GPU providers. */
const PROVIDERS: { name: string; label: string; hint: ReactNode }[] = [
  {
    name: 'vastai.api_key',
    label: 'Vast.ai API key',
    hint: (
      <>
        From{' '}
        <a
          href="https://cloud.vast.ai/manage-keys/"
          target="_blank"
          rel="noreferrer"
          className={externalLink}
        >
          Vast.ai → Keys
        </a>
        . Needed to list offers and launch on Vast.ai.
      </>
    ),
  },
  {
    name: 'runpod.api_key',
    label: 'Runpod API key',
    hint: (
      <>
        From{' '}
        <a
          href="https://www.runpod.io/console/user/settings"
          target="_blank"
          rel="noreferrer"
          className={externalLink}
        >
          Runpod → Settings → API keys
        </a>
        . Needed to launch on Runpod.
      </>
    ),
  },
];

export function ProviderCredentials({ secrets }: { secrets: StoredSecret[] }) {
  const setAt = (name: string) => secrets.find((s) => s.name === name)?.updatedAt ?? null;
  const none = PROVIDERS.every((p) => setAt(p.name) === null);
  return (
    <Card className="space-y-4">
      {none ? (
        <p className="rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:bg-indigo-950/60 dark:text-indigo-200">
          No GPU provider connected yet. Next step: paste a Vast.ai or Runpod API key below, then launch an
          instance. Without one you can still try PodPilot with the <Code>local</Code> provider.
        </p>
      ) : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {PROVIDERS.map((p) => (
          <SecretRow key={p.name} name={p.name} label={p.label} hint={p.hint} updatedAt={setAt(p.name)} />
        ))}
      </ul>
    </Card>
  );
}
