import type { Profile } from '@podpilot/common';
import { mono, none, Part } from './SummaryPart';

const short = (hex: string) => hex.slice(0, 12);
const bytes = (text: string) => new TextEncoder().encode(text).length;

function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  return size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** The extensions, each at its commit. */
export function ExtensionsPart({ profile }: { profile: Profile }) {
  return (
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
  );
}

/** The models: kind, hash, file and where it comes from. */
export function ModelsPart({ profile }: { profile: Profile }) {
  return (
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
  );
}

/** Config files, inline or from storage. */
export function FilesPart({ profile }: { profile: Profile }) {
  return (
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
  );
}

/** Environment variables and extra arguments of the UI. */
export function EnvPart({ profile }: { profile: Profile }) {
  const envKeys = Object.keys(profile.env);
  return (
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
  );
}
