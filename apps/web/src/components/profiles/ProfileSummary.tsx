import { type Profile, UI_KINDS } from '@podpilot/common';
import type { ReactNode } from 'react';

const short = (hex: string) => hex.slice(0, 12);
const bytes = (text: string) => new TextEncoder().encode(text).length;

function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  return size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`;
}

function Part({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <div className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h3 className="text-sm font-semibold">
        {title}
        {count !== undefined ? (
          <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            {count}
          </span>
        ) : null}
      </h3>
      <div className="mt-2 text-sm text-slate-700 dark:text-slate-300">{children}</div>
    </div>
  );
}

const none = <p className="text-slate-500 dark:text-slate-400">None</p>;
const mono = 'font-mono text-xs break-all';

/** A readable overview of a profile: what runs, what gets installed, and when it stops. */
export function ProfileSummary({ profile }: { profile: Profile }) {
  const ui = UI_KINDS[profile.ui.kind];
  const envKeys = Object.keys(profile.env);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Part title="UI">
        <p className="font-medium">{ui.label}</p>
        <p className="mt-1">
          at <code className={mono}>{profile.ui.ref}</code>
        </p>
        <p className="mt-1 text-slate-500 dark:text-slate-400">
          from <span className={mono}>{profile.ui.repo ?? ui.repo}</span>
        </p>
      </Part>
      <Part title="Idle policy">
        <p>
          {profile.idle.action === 'destroy' ? 'Destroyed' : 'Stopped'} after{' '}
          <strong>{profile.idle.minutes} minutes</strong> without GPU work, UI jobs or new outputs.
        </p>
        <p className="mt-1 text-slate-500 dark:text-slate-400">
          Outputs synced from:{' '}
          {profile.outputs.map((path) => (
            <code key={path} className={`${mono} mr-2`}>
              {path}
            </code>
          ))}
        </p>
      </Part>
      <Part title="Extensions" count={profile.extensions.length}>
        {profile.extensions.length === 0 ? (
          none
        ) : (
          <ul className="space-y-1.5">
            {profile.extensions.map((ext) => (
              <li key={ext.name}>
                <span className="font-medium">{ext.name}</span>{' '}
                <code className={`${mono} text-slate-500 dark:text-slate-400`} title={ext.ref}>
                  @{short(ext.ref)}
                </code>
                <div className={`${mono} text-slate-500 dark:text-slate-400`}>{ext.url}</div>
              </li>
            ))}
          </ul>
        )}
      </Part>
      <Part title="Models" count={profile.models.length}>
        {profile.models.length === 0 ? (
          none
        ) : (
          <ul className="space-y-1.5">
            {profile.models.map((model) => (
              <li key={model.name}>
                <span className="font-medium">{model.name}</span>{' '}
                <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">
                  {model.kind}
                </span>{' '}
                <code className={`${mono} text-slate-500 dark:text-slate-400`} title={model.sha256}>
                  sha256 {short(model.sha256)}
                </code>
                <div className={`${mono} text-slate-500 dark:text-slate-400`}>
                  {model.file} ← {model.source.url ?? `storage: ${model.source.storage}`}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Part>
      <Part title="Files" count={profile.files.length}>
        {profile.files.length === 0 ? (
          none
        ) : (
          <ul className="space-y-1">
            {profile.files.map((file) => (
              <li key={file.path}>
                <code className={mono}>{file.path}</code>{' '}
                <span className="text-slate-500 dark:text-slate-400">
                  {file.content !== undefined
                    ? `inline, ${formatBytes(bytes(file.content))}`
                    : `from storage: ${file.storage}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Part>
      <Part title="Environment and arguments">
        {envKeys.length === 0 && profile.args.length === 0 ? (
          none
        ) : (
          <>
            {envKeys.length > 0 ? (
              <ul className="space-y-0.5">
                {envKeys.map((key) => (
                  <li key={key} className={mono}>
                    {key}={profile.env[key]}
                  </li>
                ))}
              </ul>
            ) : null}
            {profile.args.length > 0 ? (
              <p className="mt-2">
                Extra arguments: <code className={mono}>{profile.args.join(' ')}</code>
              </p>
            ) : null}
          </>
        )}
      </Part>
    </div>
  );
}
