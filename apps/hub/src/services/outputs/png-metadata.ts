import { cutToCodeUnits, type OutputMetadata, repairAgentText } from '@podpilot/common';

/** The longest text kept of any one chunk (code units): a whole ComfyUI workflow fits many times over. */
export const MAX_STORED_TEXT = 512 * 1024;
/** Chunks of unknown keywords kept at most (a PNG may carry any number). */
export const MAX_OTHER_TEXTS = 16;

/** Keywords the gallery reads: A1111/Forge/Fooocus `parameters`, ComfyUI `prompt` and `workflow`. */
const KNOWN = ['parameters', 'prompt', 'workflow'] as const;

/**
 * What an output's PNG text chunks give its metadata: the known keywords as they are, any other (another UI's
 * own format, `fooocus_scheme`, `Description`…) kept under `texts` as raw text; every text cut (on a whole
 * character) to {@link MAX_STORED_TEXT}, at most {@link MAX_OTHER_TEXTS} others; NUL and lone surrogates repaired.
 */
export function pngMetadata(texts: Record<string, string>): OutputMetadata {
  const metadata: OutputMetadata = {};
  const others: Record<string, string> = {};
  for (const [keyword, text] of Object.entries(texts)) {
    // A file's bytes are anyone's: made storable (no NUL, no lone surrogate) like any text an agent sends.
    const kept = cutToCodeUnits(repairAgentText(text), MAX_STORED_TEXT);
    if ((KNOWN as readonly string[]).includes(keyword)) metadata[keyword as (typeof KNOWN)[number]] = kept;
    else if (Object.keys(others).length < MAX_OTHER_TEXTS)
      others[cutToCodeUnits(repairAgentText(keyword), 79)] = kept;
  }
  if (Object.keys(others).length) metadata.texts = others;
  return metadata;
}
