import { compareCuda, cudaParts, PODPILOT_VERSION, type UiKind } from '@podpilot/common';

/** The CUDA variants the images are built for (docker-bake.hcl). */
export const IMAGE_VARIANTS = ['cu121', 'cu124', 'cu128'] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];

/** What a host whose driver is not known (Runpod, a launch of an offer never listed) gets. */
export const DEFAULT_IMAGE_VARIANT: ImageVariant = 'cu124';

/** The oldest CUDA version a host's driver must support to run each variant (its CUDA runtime). */
export const VARIANT_MIN_CUDA: Record<ImageVariant, string> = { cu121: '12.1', cu124: '12.4', cu128: '12.8' };

/**
 * The variants a UI kind's image exists in, where not all (docker-bake.hcl builds no other): Kohya needs
 * torch ≥ 2.5 (its pyproject.toml) and the cu121 base has torch 2.3.1.
 */
const KIND_VARIANTS: Partial<Record<UiKind, readonly ImageVariant[]>> = { kohya: ['cu124', 'cu128'] };

/** The variants `uiKind`'s image is built in, oldest first. */
export const variantsOf = (uiKind: UiKind | undefined): readonly ImageVariant[] =>
  (uiKind && KIND_VARIANTS[uiKind]) || IMAGE_VARIANTS;

/**
 * The image of a UI kind, as docker-bake.hcl tags it: `<prefix>/<ui kind>:<variant>-<tag>`, where the tag is
 * the hub's own version (immutable: the agent inside speaks this hub's protocol) unless `PODPILOT_IMAGE_TAG`
 * names another build.
 */
export const imageFor = (
  prefix: string,
  uiKind: string,
  variant: ImageVariant = DEFAULT_IMAGE_VARIANT,
  tag: string = PODPILOT_VERSION,
) => `${prefix.replace(/\/+$/, '')}/${uiKind}:${variant}-${tag}`;

/** The variant an image tag names (`…:cu128-0.1.0`, or the mutable `…:cu128`), or null for another image. */
export function variantOfImage(image: string): ImageVariant | null {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  const variant = tag.split('-')[0] ?? '';
  return (IMAGE_VARIANTS as readonly string[]).includes(variant) ? (variant as ImageVariant) : null;
}

/** Whether a host whose driver supports CUDA up to `cudaMax` runs `variant`. */
export const hostRuns = (cudaMax: string, variant: ImageVariant) =>
  (compareCuda(cudaMax, VARIANT_MIN_CUDA[variant]) ?? -1) >= 0;

/**
 * The image variant for a host whose driver supports CUDA up to `cudaMax`: `pinned` when the operator set
 * one, else the newest variant of `uiKind`'s image the host runs (newer GPUs need the newer CUDA builds of
 * torch). Null when the host runs none of them (or not the pinned one), or `uiKind` has no image in the pinned
 * variant; the default variant (or the kind's oldest, if newer) when `cudaMax` is unknown (or unreadable).
 */
export function chooseVariant(
  cudaMax: string | null,
  pinned: ImageVariant | null,
  uiKind?: UiKind,
): ImageVariant | null {
  const variants = variantsOf(uiKind);
  if (pinned && !variants.includes(pinned)) return null;
  if (cudaMax === null || cudaParts(cudaMax) === null) {
    return (
      pinned ?? (variants.includes(DEFAULT_IMAGE_VARIANT) ? DEFAULT_IMAGE_VARIANT : (variants[0] ?? null))
    );
  }
  if (pinned) return hostRuns(cudaMax, pinned) ? pinned : null;
  return [...variants].reverse().find((variant) => hostRuns(cudaMax, variant)) ?? null;
}
