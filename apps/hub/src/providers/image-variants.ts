import { compareCuda, cudaParts } from '@podpilot/common';

/** The CUDA variants the images are built for (docker-bake.hcl). */
export const IMAGE_VARIANTS = ['cu121', 'cu124', 'cu128'] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];

/** What a host whose driver is not known (Runpod, a launch of an offer never listed) gets. */
export const DEFAULT_IMAGE_VARIANT: ImageVariant = 'cu124';

/** The oldest CUDA version a host's driver must support to run each variant (its CUDA runtime). */
export const VARIANT_MIN_CUDA: Record<ImageVariant, string> = { cu121: '12.1', cu124: '12.4', cu128: '12.8' };

/** The image of a UI kind, as docker-bake.hcl tags it: `<prefix>/<ui kind>:<variant>`. */
export const imageFor = (prefix: string, uiKind: string, variant: ImageVariant = DEFAULT_IMAGE_VARIANT) =>
  `${prefix.replace(/\/+$/, '')}/${uiKind}:${variant}`;

/** The variant an image tag names (`…:cu128`), or null for another image. */
export function variantOfImage(image: string): ImageVariant | null {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return (IMAGE_VARIANTS as readonly string[]).includes(tag) ? (tag as ImageVariant) : null;
}

/** Whether a host whose driver supports CUDA up to `cudaMax` runs `variant`. */
export const hostRuns = (cudaMax: string, variant: ImageVariant) =>
  (compareCuda(cudaMax, VARIANT_MIN_CUDA[variant]) ?? -1) >= 0;

/**
 * The image variant for a host whose driver supports CUDA up to `cudaMax`: `pinned` when the operator set
 * one, else the newest variant the host runs (newer GPUs need the newer CUDA builds of torch). Null when the
 * host runs none of them (or not the pinned one); the default variant when `cudaMax` is unknown (or unreadable).
 */
export function chooseVariant(cudaMax: string | null, pinned: ImageVariant | null): ImageVariant | null {
  if (cudaMax === null || cudaParts(cudaMax) === null) return pinned ?? DEFAULT_IMAGE_VARIANT;
  if (pinned) return hostRuns(cudaMax, pinned) ? pinned : null;
  return [...IMAGE_VARIANTS].reverse().find((variant) => hostRuns(cudaMax, variant)) ?? null;
}
