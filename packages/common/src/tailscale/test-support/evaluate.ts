/**
 * The policy evaluator lives in `../evaluate.ts` (the CLI's `tailscale check` runs it too); tests keep
 * importing it from here. What it models and what it does not is written there.
 */
export * from '../evaluate.js';
