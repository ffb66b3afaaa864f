import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { isNotFound, profileVersionQuery } from '../../../api/profiles';
import { Breadcrumb } from '../../../components/profiles/Breadcrumb';
import { ProfileEditor } from '../../../components/profiles/ProfileEditor';
import { QueryState } from '../../../components/shared/QueryState';
import { linkClass } from '../../../components/shared/styles';
import { usePageTitle } from '../../../hooks/usePageTitle';

interface EditSearch {
  /** The version to start from; the latest when left out. */
  version?: number;
}

export const Route = createFileRoute('/_authed/profiles/$name_/edit')({
  validateSearch: (search: Record<string, unknown>): EditSearch => {
    const version = Number(search.version);
    return Number.isInteger(version) && version >= 1 ? { version } : {};
  },
  loaderDeps: ({ search }) => ({ version: search.version ?? null }),
  loader: ({ context, params, deps }) => {
    void context.queryClient.prefetchQuery(profileVersionQuery(params.name, deps.version));
  },
  component: EditProfilePage,
});

function EditProfilePage() {
  const { name } = Route.useParams();
  const { version } = Route.useSearch();
  usePageTitle(`Edit ${name}`);
  const detail = useQuery({ ...profileVersionQuery(name, version ?? null), placeholderData: undefined });
  const data = detail.data;
  return (
    <>
      <div className="space-y-2">
        <Breadcrumb name={name} here="Edit" />
        <h1 className="text-2xl font-semibold tracking-tight">Edit {name}</h1>
        {data ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Starting from version {data.version}
            {data.version !== data.latestVersion ? ` (the latest is ${data.latestVersion})` : ' (the latest)'}
            . Saving makes version {data.latestVersion + 1} — or nothing, when the content equals the latest
            version.
          </p>
        ) : null}
      </div>
      <QueryState
        query={detail}
        what="the profile"
        errorActions={
          isNotFound(detail.error) ? (
            <Link to="/profiles/new" className={linkClass}>
              Create a new profile instead
            </Link>
          ) : null
        }
      >
        {/* Keyed by version: picking another one starts the editor afresh. */}
        {(loaded) => (
          <ProfileEditor key={`${name}@${loaded.version}`} initialYaml={loaded.yaml} fixedName={name} />
        )}
      </QueryState>
    </>
  );
}
