import { basename } from 'node:path';
import type { UiKind } from '@podpilot/common';

/** An extension the UI could not load, as its own log says. */
export interface ImportFailure {
  /** The extension's folder name. */
  name: string;
  /** The log line that says so (with the error, when the UI printed one on it). */
  line: string;
}

// ComfyUI's start summary: "   0.0 seconds (IMPORT FAILED): /workspace/ComfyUI/custom_nodes/foo".
const COMFY_FAILED = /\(IMPORT FAILED\):\s*(\S.*?)\s*$/;
// ComfyUI's own line before it: "Cannot import /…/custom_nodes/foo module for custom nodes: No module named 'x'".
const COMFY_REASON = /^Cannot import (.+?) module for custom nodes: (.+)$/;
// A1111 and Forge: "*** Error loading script: /…/extensions/foo/scripts/x.py" and
// "*** Error running install.py for extension /…/extensions/foo."
const A1111_FAILED = /^\*\*\* Error (?:loading script: |running install\.py for extension )(.+?)\.?\s*$/;

/** The folder right under `extensionsDir` in `path`, or null when the path is not inside it. */
function extensionOf(path: string, extensionsDir: string): string | null {
  const parts = path.split('/');
  const at = parts.lastIndexOf(extensionsDir);
  return at >= 0 && parts[at + 1] ? (parts[at + 1] as string) : null;
}

/**
 * Reads a UI's log line by line and reports each extension that failed to load, once per extension (a UI that
 * restarts prints its summary again). ComfyUI's "IMPORT FAILED" lines carry the reason of its "Cannot import"
 * line when one came first; A1111's and Forge's "*** Error …" lines name the script or installer.
 */
export class ImportFailureScanner {
  private readonly reported = new Set<string>();
  private readonly reasons = new Map<string, string>();

  constructor(
    private readonly uiKind: UiKind,
    private readonly extensionsDir: string | null,
  ) {}

  /** The failure this line reveals, unless that extension was reported already; null otherwise. Pure per line. */
  scan(line: string): ImportFailure | null {
    if (this.extensionsDir === null) return null;
    const text = line.trim();
    if (this.uiKind === 'comfyui') {
      const reason = COMFY_REASON.exec(text);
      if (reason?.[1] && reason[2]) this.reasons.set(basename(reason[1]), reason[2]);
      const failed = COMFY_FAILED.exec(text);
      if (!failed?.[1]) return null;
      const name = basename(failed[1].replace(/\/+$/, ''));
      const why = this.reasons.get(name);
      return this.report(name, why ? `${text} — ${why}` : text);
    }
    const failed = A1111_FAILED.exec(text);
    const name = failed?.[1] ? extensionOf(failed[1], this.extensionsDir) : null;
    return name ? this.report(name, text) : null;
  }

  private report(name: string, line: string): ImportFailure | null {
    if (this.reported.has(name)) return null;
    this.reported.add(name);
    return { name, line };
  }
}

/** A log-line listener that calls `onFailure` once per extension the UI reports it could not load. */
export function importFailureListener(
  uiKind: UiKind,
  extensionsDir: string | null,
  onFailure: (failure: ImportFailure) => void,
): (line: string) => void {
  const scanner = new ImportFailureScanner(uiKind, extensionsDir);
  return (line) => {
    const failure = scanner.scan(line);
    if (failure) onFailure(failure);
  };
}
