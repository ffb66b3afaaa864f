import { Link } from '@tanstack/react-router';
import { linkClass } from '../shared/styles';

/** The providers that were not asked for offers (no key, an outage), and how to add one. */
export function UnavailableProviders({ list }: { list: { provider: string; reason: string }[] }) {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
      <p className="font-medium">Not asked for offers:</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {list.map((u) => (
          <li key={u.provider}>
            <strong>{u.provider}</strong>: {u.reason}
          </li>
        ))}
      </ul>
      <p className="mt-2">
        Add a provider's API key in{' '}
        <Link to="/settings" className={linkClass}>
          Settings
        </Link>{' '}
        (or <code className="font-mono text-xs">podpilot secrets set vastai.api_key</code>) to see its GPUs.
      </p>
    </div>
  );
}
