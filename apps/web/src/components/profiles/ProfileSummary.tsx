import { type Profile, UI_KINDS } from '@podpilot/common';
import { EnvPart, ExtensionsPart, FilesPart, ModelsPart } from './ProfileInstalls';
import { mono, Part } from './SummaryPart';

/** A readable overview of a profile: what runs, what gets installed, and when it stops. */
export function ProfileSummary({ profile }: { profile: Profile }) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <UiPart profile={profile} />
      <IdlePart profile={profile} />
      <ExtensionsPart profile={profile} />
      <ModelsPart profile={profile} />
      <FilesPart profile={profile} />
      <EnvPart profile={profile} />
    </div>
  );
}

function UiPart({ profile }: { profile: Profile }) {
  const ui = UI_KINDS[profile.ui.kind];
  return (
    <Part title="UI">
      <p className="font-medium">{ui.label}</p>
      <p className="mt-1">
        at <code className={mono}>{profile.ui.ref}</code>
      </p>
      <p className="mt-1 text-slate-500 dark:text-slate-400">
        from <span className={mono}>{profile.ui.repo ?? ui.repo}</span>
      </p>
      {profile.ui.command && (
        <p className="mt-1 text-slate-500 dark:text-slate-400">
          started with <code className={mono}>{profile.ui.command.join(' ')}</code>
        </p>
      )}
    </Part>
  );
}

function IdlePart({ profile }: { profile: Profile }) {
  return (
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
  );
}
