import type { ReactNode } from 'react';
import { Card, Code } from '../shared/Card';
import { externalLink } from '../shared/styles';
import type { StoredSecret } from './ProviderCredentials';
import { SecretRow } from './SecretRow';

const link = (href: string, text: string) => (
  <a href={href} target="_blank" rel="noreferrer" className={externalLink}>
    {text}
  </a>
);

/** Model-site tokens (docs/model-sources.md): sent by agents only to their own site, never across a redirect. */
const SITES: { name: string; label: string; hint: ReactNode }[] = [
  {
    name: 'huggingface.token',
    label: 'Hugging Face token',
    hint: (
      <>
        From {link('https://huggingface.co/settings/tokens', 'Hugging Face → Access tokens')} (read access).
        Needed for gated models such as FLUX.1-dev: accept each model's licence on its page with the same
        account.
      </>
    ),
  },
  {
    name: 'civitai.token',
    label: 'Civitai API key',
    hint: (
      <>
        From {link('https://civitai.com/user/account', 'Civitai → Account → API keys')}. Needed for models
        that require a login to download.
      </>
    ),
  },
];

export function ModelSiteTokens({ secrets }: { secrets: StoredSecret[] }) {
  const setAt = (name: string) => secrets.find((s) => s.name === name)?.updatedAt ?? null;
  const hosts = secrets.filter((s) => s.name.startsWith('model-host.'));
  return (
    <Card className="space-y-4">
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {SITES.map((s) => (
          <SecretRow key={s.name} name={s.name} label={s.label} hint={s.hint} updatedAt={setAt(s.name)} />
        ))}
      </ul>
      <p className="text-sm text-slate-500 dark:text-slate-400">
        Another site: <Code>podpilot secrets set model-host.&lt;host&gt;.header</Code> with a value{' '}
        <Code>Name: value</Code>
        {hosts.length ? ` (set: ${hosts.map((h) => h.name).join(', ')})` : ''}.
      </p>
    </Card>
  );
}
