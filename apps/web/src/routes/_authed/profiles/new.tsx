import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { profilesQuery } from '../../../api/profiles';
import { Breadcrumb } from '../../../components/profiles/Breadcrumb';
import { ProfileEditor } from '../../../components/profiles/ProfileEditor';
import { usePageTitle } from '../../../hooks/usePageTitle';
import { NEW_PROFILE_TEMPLATE } from '../../../lib/profiles';

export const Route = createFileRoute('/_authed/profiles/new')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(profilesQuery);
  },
  component: NewProfilePage,
});

function NewProfilePage() {
  usePageTitle('New profile');
  const profiles = useQuery(profilesQuery);
  const names = profiles.data?.profiles.map((p) => p.name) ?? [];
  return (
    <>
      <div className="space-y-2">
        <Breadcrumb here="New profile" />
        <h1 className="text-2xl font-semibold tracking-tight">New profile</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Start from the template below; its <code className="font-mono text-xs">name:</code> becomes the
          profile's name. From a checkout you can also apply files with{' '}
          <code className="font-mono text-xs">podpilot profile apply my-profile.yaml</code>; see{' '}
          <code className="font-mono text-xs">examples/profiles/</code> for one example per UI.
        </p>
      </div>
      <ProfileEditor initialYaml={NEW_PROFILE_TEMPLATE} fixedName={null} existingNames={names} />
    </>
  );
}
