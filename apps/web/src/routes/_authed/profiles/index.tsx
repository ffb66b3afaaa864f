import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { profilesQuery } from '../../../api/profiles';
import { ProfilesTable } from '../../../components/profiles/ProfilesTable';
import { EmptyState } from '../../../components/shared/EmptyState';
import { QueryState } from '../../../components/shared/QueryState';
import { Section } from '../../../components/shared/Section';
import { buttonLink, linkClass } from '../../../components/shared/styles';
import { usePageTitle } from '../../../hooks/usePageTitle';

export const Route = createFileRoute('/_authed/profiles/')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(profilesQuery);
  },
  component: ProfilesPage,
});

function ProfilesPage() {
  usePageTitle('Profiles');
  const profiles = useQuery(profilesQuery);
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
        <QueryState query={profiles} what="profiles">
          {({ profiles: list }) => (list.length === 0 ? <NoProfiles /> : <ProfilesTable profiles={list} />)}
        </QueryState>
      </Section>
    </>
  );
}

function NoProfiles() {
  return (
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
  );
}
