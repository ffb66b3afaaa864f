import { createFileRoute, Link } from '@tanstack/react-router';
import { profileVersionsQuery } from '../../../api/profiles';
import { Breadcrumb } from '../../../components/profiles/Breadcrumb';
import { DiffResult } from '../../../components/profiles/DiffResult';
import { useProfileDiff } from '../../../components/profiles/useProfileDiff';
import { VersionSelect } from '../../../components/profiles/VersionSelect';
import { EmptyState } from '../../../components/shared/EmptyState';
import { Loading, QueryError, QueryState } from '../../../components/shared/QueryState';
import { linkClass } from '../../../components/shared/styles';
import { usePageTitle } from '../../../hooks/usePageTitle';

interface DiffSearch {
  from?: number;
  to?: number;
}

const versionOf = (value: unknown) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
};

export const Route = createFileRoute('/_authed/profiles/$name_/diff')({
  validateSearch: (search: Record<string, unknown>): DiffSearch => {
    const from = versionOf(search.from);
    const to = versionOf(search.to);
    return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  },
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(profileVersionsQuery(params.name));
  },
  component: DiffPage,
});

function DiffPage() {
  const { name } = Route.useParams();
  const search = Route.useSearch();
  const navigate = Route.useNavigate();
  usePageTitle(`Diff ${name}`);
  const { versions, all, latest, from, to, diff } = useProfileDiff(name, search);

  const pick = (next: DiffSearch) =>
    void navigate({ search: { from: from ?? undefined, to: to ?? undefined, ...next }, replace: true });

  return (
    <>
      <DiffHeader name={name} from={from} to={to} />
      <QueryState query={versions} what="versions">
        {() =>
          all.length < 2 ? (
            <EmptyState title="Only one version so far">
              A diff compares two versions.{' '}
              <Link to="/profiles/$name/edit" params={{ name }} className={linkClass}>
                Edit the profile
              </Link>{' '}
              and save to make a second one.
            </EmptyState>
          ) : (
            <div className="grid max-w-3xl gap-4 sm:grid-cols-2">
              <VersionSelect
                label="From"
                versions={all}
                value={from}
                latest={latest}
                onChange={(v) => pick({ from: v })}
              />
              <VersionSelect
                label="To"
                versions={all}
                value={to}
                latest={latest}
                onChange={(v) => pick({ to: v })}
              />
            </div>
          )
        }
      </QueryState>
      {diff.isError ? <QueryError error={diff.error} retry={() => void diff.refetch()} /> : null}
      {diff.isPending && diff.fetchStatus === 'fetching' ? <Loading what="the diff" /> : null}
      {diff.data ? (
        <div
          className={`space-y-10 ${diff.isPlaceholderData ? 'opacity-60' : ''}`}
          aria-busy={diff.isFetching}
        >
          <DiffResult name={name} diff={diff.data} />
        </div>
      ) : null}
    </>
  );
}

function DiffHeader({ name, from, to }: { name: string; from: number | null; to: number | null }) {
  return (
    <div className="space-y-2">
      <Breadcrumb name={name} here="Diff" />
      <h1 className="text-2xl font-semibold tracking-tight">
        What changed in {name}
        {from !== null && to !== null ? (
          <span className="ml-2 text-slate-500 dark:text-slate-400">
            v{from} → v{to}
          </span>
        ) : null}
      </h1>
    </div>
  );
}
