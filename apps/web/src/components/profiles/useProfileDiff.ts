import { useQuery } from '@tanstack/react-query';
import { profileDiffQuery, profileVersionsQuery } from '../../api/profiles';

/**
 * Two versions of a profile compared: `to` defaults to the latest and `from` to the one before it; the
 * diff is asked once both are known.
 */
export function useProfileDiff(name: string, search: { from?: number; to?: number }) {
  const versions = useQuery(profileVersionsQuery(name));
  const all = versions.data?.versions ?? [];
  const latest = all.length ? Math.max(...all.map((v) => v.version)) : null;
  const to = search.to ?? latest;
  const from = search.from ?? (to !== null && to > 1 ? to - 1 : null);
  const diff = useQuery({
    ...profileDiffQuery(name, from ?? 1, to ?? 1),
    enabled: from !== null && to !== null,
  });
  return { versions, all, latest, from, to, diff };
}
