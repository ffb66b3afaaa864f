import { normalizeName, type PackageVersions } from './packages.js';

/** The base's packages no extension may replace: torch and its companions are built for the image's CUDA. */
const PROTECTED = [/^torch/, /^xformers$/];

/**
 * The constraints every pip run of the overlay uses: the image's own file (`PIP_CONSTRAINT`, when set) then
 * the versions the base already has of torch, torch* and xformers, so the host's are protected too. Pure.
 */
export function constraintsText(base: PackageVersions, imageConstraints: string | null): string {
  const pinned = [...base]
    .filter(([name]) => PROTECTED.some((pattern) => pattern.test(normalizeName(name))))
    .map(([name, version]) => `${name}==${version}`)
    .sort();
  const parts = [
    '# Written by the PodPilot agent: the base environment torch/xformers stay as they are.',
    ...(imageConstraints?.trim() ? [imageConstraints.trim()] : []),
    ...pinned,
  ];
  return `${parts.join('\n')}\n`;
}
