import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { budgetStatusQuery } from '../../api/launch';
import { profilesQuery } from '../../api/profiles';
import { LaunchSteps } from '../../components/launch/LaunchSteps';
import { useOfferSearch } from '../../components/launch/useOfferSearch';
import { EmptyState } from '../../components/shared/EmptyState';
import { QueryState } from '../../components/shared/QueryState';
import { linkClass } from '../../components/shared/styles';
import { usePageTitle } from '../../hooks/usePageTitle';
import { parseProfileRef, profileRef } from '../../lib/profiles';

interface LaunchSearch {
  /** `name` or `name@version`. */
  profile?: string;
}

export const Route = createFileRoute('/_authed/launch')({
  validateSearch: (search: Record<string, unknown>): LaunchSearch =>
    typeof search.profile === 'string' && search.profile !== '' ? { profile: search.profile } : {},
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(profilesQuery);
    void context.queryClient.prefetchQuery(budgetStatusQuery);
  },
  component: LaunchPage,
});

function LaunchPage() {
  usePageTitle('Launch');
  const search = Route.useSearch();
  const navigate = useNavigate();
  const ref = search.profile ? parseProfileRef(search.profile) : null;
  const profiles = useQuery(profilesQuery);
  const budget = useQuery(budgetStatusQuery);
  const offers = useOfferSearch();

  const setProfile = (name: string, version: number | null) =>
    void navigate({
      to: '/launch',
      search: name ? { profile: profileRef(name, version) } : {},
      replace: true,
    });

  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Launch an instance</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Pick a profile, then a machine to run it on. The instance page follows its progress once launched.
        </p>
      </div>

      <QueryState query={profiles} what="profiles">
        {({ profiles: list }) =>
          list.length === 0 ? (
            <NoProfiles />
          ) : (
            <LaunchSteps
              profiles={list.map((p) => p.name)}
              wanted={ref}
              onProfile={setProfile}
              offers={offers}
              budget={budget}
            />
          )
        }
      </QueryState>
    </>
  );
}

function NoProfiles() {
  return (
    <EmptyState title="No profile to launch yet">
      An instance starts from a profile: the UI, extensions and models to install. Next step:{' '}
      <Link to="/profiles/new" className={linkClass}>
        create a profile
      </Link>
      , then come back here.
    </EmptyState>
  );
}
