import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../provision/git.js';

/** File endings of model weights as the UIs and their extensions store them. */
const MODEL_ENDINGS = /\.(safetensors|ckpt|pt|pth|bin|gguf|onnx|sft)$/i;
/** Smaller files with these endings are configs, embeddings of a few KB or test fixtures, not weights. */
export const STRAY_MIN_BYTES = 1024 * 1024;
/** Folders that hold no user models (tools, caches, the agent's own). */
const SKIPPED = new Set(['.git', '.podpilot', 'venv', '.venv', 'node_modules', '__pycache__', '.cache']);
/** A workspace with more entries than this is not walked further (the warning says so). */
const MAX_ENTRIES = 200_000;

/**
 * Model weights under `uiDir` that a snapshot would not capture: files with a model ending, at least 1 MiB,
 * outside `excluded` folders (the model and output folders) and not tracked by the checkout they are in
 * (`checkouts`: '' for the UI, or an extension's path) — typically weights an extension downloaded into its
 * own folder. Relative paths, sorted; `truncated` when the walk stopped early.
 */
export async function findStrayModels(
  uiDir: string,
  excluded: string[],
  checkouts: string[],
  signal?: AbortSignal,
): Promise<{ paths: string[]; truncated: boolean }> {
  const found: string[] = [];
  let entries = 0;
  const walk = async (rel: string): Promise<void> => {
    signal?.throwIfAborted();
    let list: Dirent[];
    try {
      list = await readdir(join(uiDir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of list) {
      if (++entries > MAX_ENTRIES) return;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !excluded.some((d) => child === d)) await walk(child);
      } else if (entry.isFile() && MODEL_ENDINGS.test(entry.name)) {
        const info = await stat(join(uiDir, child)).catch(() => null);
        if (info && info.size >= STRAY_MIN_BYTES) found.push(child);
      }
    }
  };
  await walk('');
  if (found.length === 0) return { paths: [], truncated: entries > MAX_ENTRIES };

  // What a checkout tracks comes back with it on the next instance.
  const tracked = new Set<string>();
  for (const checkout of checkouts) {
    if (!found.some((p) => checkout === '' || p.startsWith(`${checkout}/`))) continue;
    const cwd = checkout === '' ? uiDir : join(uiDir, checkout);
    const res = await runGit(['ls-files', '-z'], { cwd, signal, okCodes: [128] });
    if (res.code !== 0) continue;
    for (const file of res.stdout.split('\0'))
      if (file) tracked.add(checkout === '' ? file : `${checkout}/${file}`);
  }
  return { paths: found.filter((p) => !tracked.has(p)).sort(), truncated: entries > MAX_ENTRIES };
}
