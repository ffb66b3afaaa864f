import type { ProfileVersionDetail } from '@podpilot/common';
import { Link } from '@tanstack/react-router';
import { profileYamlUrl } from '../../api/profiles';
import { previousVersion } from '../../lib/profiles';
import { RelativeTime } from '../shared/RelativeTime';
import { buttonLink, linkClass } from '../shared/styles';
import { Breadcrumb } from './Breadcrumb';

interface ProfileHeaderProps {
  name: string;
  /** The version shown (the one asked for while it loads). */
  shown: number | null;
  data: ProfileVersionDetail | undefined;
}

/** A profile page's top: name and version, description, where the version came from, and its actions. */
export function ProfileHeader({ name, shown, data }: ProfileHeaderProps) {
  return (
    <div className="space-y-2">
      <Breadcrumb name={name} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words">
            {name}
            {shown !== null ? (
              <span className="ml-2 text-slate-500 dark:text-slate-400">v{shown}</span>
            ) : null}
          </h1>
          {data?.spec.description ? (
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{data.spec.description}</p>
          ) : null}
          {data ? <VersionOrigin name={name} data={data} /> : null}
        </div>
        {data ? <VersionActions name={name} version={data.version} /> : null}
      </div>
    </div>
  );
}

/** When the version was made, by whom (a snapshot of which instance), and whether it is the latest. */
function VersionOrigin({ name, data }: { name: string; data: ProfileVersionDetail }) {
  return (
    <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
      Created <RelativeTime iso={data.createdAt} /> ·{' '}
      {data.origin === 'snapshot' && data.snapshotOfInstanceId ? (
        <>
          snapshot of{' '}
          <Link to="/instances/$id" params={{ id: data.snapshotOfInstanceId }} className={linkClass}>
            instance {data.snapshotOfInstanceId.slice(0, 8)}
          </Link>
        </>
      ) : (
        data.origin
      )}
      {data.version !== data.latestVersion ? (
        <>
          {' '}
          · not the latest (
          <Link to="/profiles/$name" params={{ name }} search={{}} className={linkClass}>
            see v{data.latestVersion}
          </Link>
          )
        </>
      ) : (
        ' · latest'
      )}
    </p>
  );
}

/** Edit, Diff (with the version before), Download YAML, Launch this version. */
function VersionActions({ name, version }: { name: string; version: number }) {
  const previous = previousVersion(version);
  return (
    <div className="flex flex-wrap gap-2">
      <Link
        to="/profiles/$name/edit"
        params={{ name }}
        search={{ version }}
        className={buttonLink('secondary')}
      >
        Edit
      </Link>
      {previous !== null ? (
        <Link
          to="/profiles/$name/diff"
          params={{ name }}
          search={{ from: previous, to: version }}
          className={buttonLink('secondary')}
        >
          Diff
        </Link>
      ) : null}
      <a
        href={profileYamlUrl(name, version)}
        download={`${name}@${version}.yaml`}
        className={buttonLink('secondary')}
      >
        Download YAML
      </a>
      <Link to="/launch" search={{ profile: `${name}@${version}` }} className={buttonLink('primary')}>
        Launch this version
      </Link>
    </div>
  );
}
