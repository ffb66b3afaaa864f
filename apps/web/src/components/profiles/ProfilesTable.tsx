import { type ProfileSummary, UI_KINDS, type UiKind } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { RelativeTime } from '../shared/RelativeTime';
import { linkClass } from '../shared/styles';
import { cell, Table } from '../shared/Table';

const uiLabel = (kind: string) => UI_KINDS[kind as UiKind]?.label ?? kind;

/** Every profile: name and description, UI, latest version, last change, Edit and Launch. */
export function ProfilesTable({ profiles }: { profiles: ProfileSummary[] }) {
  return (
    <Table caption="Profiles" head={['Name', 'UI', 'Latest', 'Updated', { label: 'Actions', srOnly: true }]}>
      {profiles.map((profile) => (
        <tr key={profile.name}>
          <td className="px-4 py-3">
            <Link to="/profiles/$name" params={{ name: profile.name }} className={linkClass}>
              {profile.name}
            </Link>
            {profile.description ? (
              <p className="mt-0.5 max-w-md text-xs text-slate-500 dark:text-slate-400">
                {profile.description}
              </p>
            ) : null}
          </td>
          <td className={cell}>{uiLabel(profile.uiKind)}</td>
          <td className={`${cell} tabular-nums`}>
            v{profile.latestVersion}
            <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">
              ({profile.versionCount} version{profile.versionCount === 1 ? '' : 's'})
            </span>
          </td>
          <td className={`${cell} text-slate-500 dark:text-slate-400`}>
            <RelativeTime iso={profile.updatedAt} />
          </td>
          <td className={`${cell} text-right`}>
            <span className="inline-flex gap-3">
              <Link
                to="/profiles/$name/edit"
                params={{ name: profile.name }}
                className={linkClass}
                aria-label={`Edit ${profile.name}`}
              >
                Edit
              </Link>
              <Link
                to="/launch"
                search={{ profile: `${profile.name}@${profile.latestVersion}` }}
                className={linkClass}
                aria-label={`Launch ${profile.name} version ${profile.latestVersion}`}
              >
                Launch
              </Link>
            </span>
          </td>
        </tr>
      ))}
    </Table>
  );
}
