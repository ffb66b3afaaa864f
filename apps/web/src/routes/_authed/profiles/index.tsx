import { UI_KINDS, type UiKind } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { profilesQuery } from '../../../api/profiles';
import { EmptyState } from '../../../components/EmptyState';
import { buttonLink, Loading, linkClass, QueryError } from '../../../components/profiles/QueryState';
import { RelativeTime } from '../../../components/RelativeTime';
import { Section } from '../../../components/Section';
import { cell, Table } from '../../../components/Table';
import { usePageTitle } from '../../../lib/usePageTitle';

export const Route = createFileRoute('/_authed/profiles/')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(profilesQuery);
  },
  component: ProfilesPage,
});

const uiLabel = (kind: string) => UI_KINDS[kind as UiKind]?.label ?? kind;

function ProfilesPage() {
  usePageTitle('Profiles');
  const profiles = useQuery(profilesQuery);
  const list = profiles.data?.profiles;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Profiles</h1>
      <Section
        title="Your profiles"
        description="A profile pins everything an instance runs: the UI at a version, extensions at commits, models by sha256, config files and the idle policy. Every change is a new version."
        actions={
          <Link to="/profiles/new" className={buttonLink('primary')}>
            New profile
          </Link>
        }
      >
        {profiles.isError ? (
          <QueryError error={profiles.error} retry={() => void profiles.refetch()} />
        ) : null}
        {profiles.isPending ? <Loading what="profiles" /> : null}
        {list?.length === 0 ? (
          <EmptyState title="No profiles yet">
            A profile describes the environment an instance starts from. Next step:{' '}
            <Link to="/profiles/new" className={linkClass}>
              write your first profile
            </Link>{' '}
            here (a commented template is ready), or apply the examples from a checkout with{' '}
            <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs dark:bg-slate-800">
              podpilot profile apply examples/profiles
            </code>
            .
          </EmptyState>
        ) : null}
        {list?.length ? (
          <Table
            caption="Profiles"
            head={['Name', 'UI', 'Latest', 'Updated', { label: 'Actions', srOnly: true }]}
          >
            {list.map((profile) => (
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
        ) : null}
      </Section>
    </>
  );
}
