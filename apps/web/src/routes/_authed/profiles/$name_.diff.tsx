import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { profileDiffQuery, profileVersionsQuery } from '../../../api/profiles';
import { EmptyState } from '../../../components/EmptyState';
import { Breadcrumb } from '../../../components/profiles/Breadcrumb';
import { ProfileChanges, UnifiedDiff } from '../../../components/profiles/ProfileDiffView';
import { Loading, linkClass, QueryError } from '../../../components/profiles/QueryState';
import { VersionSelect } from '../../../components/profiles/VersionSelect';
import { Section } from '../../../components/Section';
import { usePageTitle } from '../../../lib/usePageTitle';

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
  const versions = useQuery(profileVersionsQuery(name));
  const all = versions.data?.versions ?? [];
  const latest = all.length ? Math.max(...all.map((v) => v.version)) : null;
  const to = search.to ?? latest;
  const from = search.from ?? (to !== null && to > 1 ? to - 1 : null);
  const diff = useQuery({
    ...profileDiffQuery(name, from ?? 1, to ?? 1),
    enabled: from !== null && to !== null,
  });

  const pick = (next: DiffSearch) =>
    void navigate({ search: { from: from ?? undefined, to: to ?? undefined, ...next }, replace: true });

  return (
    <>
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
      {versions.isError ? <QueryError error={versions.error} retry={() => void versions.refetch()} /> : null}
      {versions.isPending ? <Loading what="versions" /> : null}
      {versions.data && all.length < 2 ? (
        <EmptyState title="Only one version so far">
          A diff compares two versions.{' '}
          <Link to="/profiles/$name/edit" params={{ name }} className={linkClass}>
            Edit the profile
          </Link>{' '}
          and save to make a second one.
        </EmptyState>
      ) : null}
      {all.length >= 2 ? (
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
      ) : null}
      {diff.isError ? <QueryError error={diff.error} retry={() => void diff.refetch()} /> : null}
      {diff.isPending && diff.fetchStatus === 'fetching' ? <Loading what="the diff" /> : null}
      {diff.data ? (
        <div
          className={`space-y-10 ${diff.isPlaceholderData ? 'opacity-60' : ''}`}
          aria-busy={diff.isFetching}
        >
          {diff.data.changes.length === 0 ? (
            <p
              role="status"
              className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm dark:border-slate-800 dark:bg-slate-900"
            >
              Versions {diff.data.from} and {diff.data.to} are the same.
            </p>
          ) : (
            <>
              <Section
                title="Changes"
                description={`${diff.data.changes.length} change${diff.data.changes.length === 1 ? '' : 's'}, section by section.`}
              >
                <ProfileChanges diff={diff.data} />
              </Section>
              <Section title="YAML diff" description="The two canonical YAMLs, line by line.">
                <UnifiedDiff
                  unified={diff.data.unified}
                  label={`Unified diff of ${name} from version ${diff.data.from} to ${diff.data.to}`}
                />
              </Section>
            </>
          )}
        </div>
      ) : null}
    </>
  );
}
