import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { isNotFound, profileVersionQuery, profileVersionsQuery, profileYamlUrl } from '../../../api/profiles';
import { Breadcrumb } from '../../../components/profiles/Breadcrumb';
import { ProfileSummary } from '../../../components/profiles/ProfileSummary';
import { buttonLink, Loading, linkClass, QueryError } from '../../../components/profiles/QueryState';
import { VersionSelect } from '../../../components/profiles/VersionSelect';
import { YamlView } from '../../../components/profiles/YamlView';
import { RelativeTime } from '../../../components/RelativeTime';
import { Section } from '../../../components/Section';
import { previousVersion } from '../../../lib/profiles';
import { usePageTitle } from '../../../lib/usePageTitle';

interface VersionSearch {
  version?: number;
}

export const Route = createFileRoute('/_authed/profiles/$name')({
  validateSearch: (search: Record<string, unknown>): VersionSearch => {
    const version = Number(search.version);
    return Number.isInteger(version) && version >= 1 ? { version } : {};
  },
  loaderDeps: ({ search }) => ({ version: search.version ?? null }),
  loader: ({ context, params, deps }) => {
    void context.queryClient.prefetchQuery(profileVersionQuery(params.name, deps.version));
    void context.queryClient.prefetchQuery(profileVersionsQuery(params.name));
  },
  component: ProfilePage,
});

function ProfilePage() {
  const { name } = Route.useParams();
  const { version } = Route.useSearch();
  const navigate = Route.useNavigate();
  usePageTitle(version ? `${name} v${version}` : name);
  const detail = useQuery(profileVersionQuery(name, version ?? null));
  const versions = useQuery(profileVersionsQuery(name));
  const data = detail.data;
  const shown = data?.version ?? version ?? null;
  const previous = shown === null ? null : previousVersion(shown);

  return (
    <>
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
            {data ? (
              <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                Created <RelativeTime iso={data.createdAt} /> ·{' '}
                {data.origin === 'snapshot' && data.snapshotOfInstanceId ? (
                  <>
                    snapshot of{' '}
                    <Link
                      to="/instances/$id"
                      params={{ id: data.snapshotOfInstanceId }}
                      className={linkClass}
                    >
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
            ) : null}
          </div>
          {data ? (
            <div className="flex flex-wrap gap-2">
              <Link
                to="/profiles/$name/edit"
                params={{ name }}
                search={{ version: data.version }}
                className={buttonLink('secondary')}
              >
                Edit
              </Link>
              {previous !== null ? (
                <Link
                  to="/profiles/$name/diff"
                  params={{ name }}
                  search={{ from: previous, to: data.version }}
                  className={buttonLink('secondary')}
                >
                  Diff
                </Link>
              ) : null}
              <a
                href={profileYamlUrl(name, data.version)}
                download={`${name}@${data.version}.yaml`}
                className={buttonLink('secondary')}
              >
                Download YAML
              </a>
              <Link
                to="/launch"
                search={{ profile: `${name}@${data.version}` }}
                className={buttonLink('primary')}
              >
                Launch this version
              </Link>
            </div>
          ) : null}
        </div>
      </div>

      {versions.data && versions.data.versions.length > 1 ? (
        <VersionSelect
          label="Version"
          className="max-w-sm"
          versions={versions.data.versions}
          value={shown}
          latest={data?.latestVersion ?? null}
          onChange={(v) => void navigate({ search: { version: v }, replace: true })}
        />
      ) : null}
      {versions.isError && !isNotFound(versions.error) ? (
        <QueryError error={versions.error} retry={() => void versions.refetch()} />
      ) : null}

      {detail.isError ? (
        <QueryError error={detail.error} retry={() => void detail.refetch()}>
          {isNotFound(detail.error) ? (
            <Link to="/profiles" className={linkClass}>
              Back to all profiles
            </Link>
          ) : null}
        </QueryError>
      ) : null}
      {detail.isPending ? <Loading what="the profile" /> : null}

      {data ? (
        <div
          className={`space-y-10 ${detail.isPlaceholderData ? 'opacity-60' : ''}`}
          aria-busy={detail.isFetching}
        >
          <Section title="Summary" description="What an instance launched from this version runs.">
            <ProfileSummary profile={data.spec} />
          </Section>
          <Section
            title="YAML"
            description={
              <>
                The canonical form, exactly as stored (comments are not kept). Apply it from the CLI with{' '}
                <code className="font-mono text-xs">podpilot profile apply</code>.
              </>
            }
          >
            <YamlView yaml={data.yaml} label={`YAML of ${name} version ${data.version}`} />
          </Section>
        </div>
      ) : null}
    </>
  );
}
