import {
  type Profile,
  type ProfileExtension,
  type SnapshotReport,
  UI_KINDS,
  type UiKindInfo,
} from '@podpilot/common';
import type { ObjectStorage } from '../../storage/index.js';
import { snapshotFiles } from './snapshot-files.js';
import { type PlannedUpload, type SnapshotLibrary, snapshotModels } from './snapshot-models.js';
import { cleanRemote, lastSegment, sameRemote } from './snapshot-spec.js';

type Warn = (message: string) => void;

/**
 * The profile value a snapshot report describes (validated by the caller) and the models the agent must
 * upload; appends what it could not keep to `warnings` (each message once). `name` is the profile it becomes.
 */
export async function buildSnapshot(
  base: Profile,
  name: string,
  report: SnapshotReport,
  warnings: string[],
  library: SnapshotLibrary,
  storage: ObjectStorage,
): Promise<{ spec: unknown; uploads: PlannedUpload[] }> {
  const info = UI_KINDS[base.ui.kind];
  const warn: Warn = (message) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const ui = snapshotUi(base, report, info, warn);
  const extensions = snapshotExtensions(base, report, info, warn);
  const { models, uploads } = await snapshotModels(base, report, info, library, warn);
  const files = await snapshotFiles(base, report, info, storage, warn);
  const { description, env, args, outputs, idle } = base;
  const python = snapshotPython(base, report);
  const spec = {
    name,
    ...(description === undefined ? {} : { description }),
    ui,
    extensions,
    models,
    files,
    env,
    args,
    outputs,
    idle,
    ...(python === undefined ? {} : { python }),
  };
  return { spec, uploads };
}

/**
 * Python: the packages the instance had beyond its base environment replace the launched pins (a launch
 * installs exactly those); the pip options (`extraIndexUrls`, `findLinks`) stay, since the pins may come from
 * there. A report without `python` (an older agent, or a listing that failed) keeps the launched section.
 */
function snapshotPython(base: Profile, report: SnapshotReport): Profile['python'] {
  if (report.python === undefined) return base.python;
  const { packages: _launched, ...options } = base.python ?? {};
  const packages = report.python.packages;
  const python = { ...options, ...(packages.length > 0 ? { packages: [...packages] } : {}) };
  return Object.keys(python).length > 0 ? python : undefined;
}

/** The UI: its commit; the remote only when it is another one than the launched (or default) repo. */
function snapshotUi(base: Profile, report: SnapshotReport, info: UiKindInfo, warn: Warn): Profile['ui'] {
  let ui = { ...base.ui };
  if (report.ui.commit === null) warn(`the UI has no commit: kept ref ${base.ui.ref}`);
  else ui = { ...ui, ref: report.ui.commit };
  if (report.ui.remote !== null) {
    const remote = cleanRemote(report.ui.remote);
    if (!sameRemote(remote, base.ui.repo ?? info.repo)) ui = { ...ui, repo: remote };
  }
  return ui;
}

/**
 * Extensions: launched ones keep their place (and their URL when the remote is the same); new ones follow in
 * the report's order. Checkouts outside the kind's extensions folder, or without remote or commit, are left
 * out with a warning.
 */
function snapshotExtensions(
  base: Profile,
  report: SnapshotReport,
  info: UiKindInfo,
  warn: Warn,
): ProfileExtension[] {
  const found = new Map<string, ProfileExtension>();
  for (const checkout of report.extensions) {
    const folder = lastSegment(checkout.path);
    if (info.extensionsDir === null) {
      warn(`extension ${checkout.path} left out: ${base.ui.kind} has no extensions folder`);
      continue;
    }
    if (checkout.path !== `${info.extensionsDir}/${folder}`) {
      warn(`extension ${checkout.path} left out: not a folder of ${info.extensionsDir}/`);
      continue;
    }
    if (checkout.remote === null || checkout.commit === null) {
      warn(`extension ${folder} left out: it has no ${checkout.remote === null ? 'remote' : 'commit'}`);
      continue;
    }
    const launched = base.extensions.find((e) => e.name === folder);
    const remote = cleanRemote(checkout.remote);
    const url = launched && sameRemote(launched.url, remote) ? launched.url : remote;
    found.set(folder, { url, ref: checkout.commit, name: folder });
  }
  return [
    ...base.extensions.flatMap((e) => {
      const now = found.get(e.name);
      return now ? [now] : [];
    }),
    ...[...found.values()].filter((e) => !base.extensions.some((b) => b.name === e.name)),
  ];
}
