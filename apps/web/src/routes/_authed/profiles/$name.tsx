import type { ProfileVersionDetail } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { isNotFound, profileVersionQuery, profileVersionsQuery } from '../../../api/profiles';
import { ProfileHeader } from '../../../components/profiles/ProfileHeader';
import { ProfileSummary } from '../../../components/profiles/ProfileSummary';
import { VersionSelect } from '../../../components/profiles/VersionSelect';
import { YamlView } from '../../../components/profiles/YamlView';
import { QueryError, QueryState } from '../../../components/shared/QueryState';
import { Section } from '../../../components/shared/Section';
import { linkClass } from '../../../components/shared/styles';
import { usePageTitle } from '../../../hooks/usePageTitle';

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
  const shown = detail.data?.version ?? version ?? null;

  return (
    <>
      <ProfileHeader name={name} shown={shown} data={detail.data} />

      {versions.data && versions.data.versions.length > 1 ? (
        <VersionSelect
          label="Version"
          className="max-w-sm"
          versions={versions.data.versions}
          value={shown}
          latest={detail.data?.latestVersion ?? null}
          onChange={(v) => void navigate({ search: { version: v }, replace: true })}
        />
      ) : null}
      {versions.isError && !isNotFound(versions.error) ? (
        <QueryError error={versions.error} retry={() => void versions.refetch()} />
      ) : null}

      <QueryState
        query={detail}
        what="the profile"
        errorActions={
          isNotFound(detail.error) ? (
            <Link to="/profiles" className={linkClass}>
              Back to all profiles
            </Link>
          ) : null
        }
      >
        {(data) => (
          <ProfileVersionBody
            name={name}
            data={data}
            stale={detail.isPlaceholderData}
            busy={detail.isFetching}
          />
        )}
      </QueryState>
    </>
  );
}

/** A version's summary and its canonical YAML; dimmed while another version loads. */
function ProfileVersionBody({
  name,
  data,
  stale,
  busy,
}: {
  name: string;
  data: ProfileVersionDetail;
  stale: boolean;
  busy: boolean;
}) {
  return (
    <div className={`space-y-10 ${stale ? 'opacity-60' : ''}`} aria-busy={busy}>
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
  );
}
