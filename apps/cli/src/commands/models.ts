import { type ModelKind, ModelKind as ModelKindSchema, modelsEndpoints } from '@podpilot/common';
import { type Command, Option } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { configDir, loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { pushModel } from '../lib/model-push.js';
import { formatBytes, printJson, printTable } from '../lib/output.js';
import { pushProgressBar } from '../lib/progress.js';
import { UploadJournal } from '../lib/upload-journal.js';

const client = async () => new HubClient(await loadCredentials());
const kindOption = () =>
  new Option('--kind <kind>', 'model kind').choices(ModelKindSchema.options).makeOptionMandatory();

/** A model by full sha256, or by a unique prefix (≥ 8 hex) or name from the library. */
async function resolveModel(hub: HubClient, ref: string) {
  const { models } = await hub.call(modelsEndpoints.list);
  const matches = models.filter(
    (m) => m.sha256 === ref || m.name === ref || (ref.length >= 8 && m.sha256.startsWith(ref)),
  );
  if (matches.length === 1 && matches[0]) return matches[0];
  if (!matches.length)
    throw new CliError(`no model matches "${ref}" (give a name, a sha256 or its first 8+ characters)`);
  throw new CliError(`"${ref}" matches ${matches.length} models; give more of the sha256`);
}

/** `podpilot models …`: the content-addressed model library. */
export function registerModelsCommands(program: Command): void {
  const models = program.command('models').description('the model library: each file stored once, by sha256');
  registerPush(models);
  registerAdd(models);
  registerLs(models);
  registerRm(models);
}

function registerPush(models: Command): void {
  models
    .command('push')
    .description('upload a model file (skipped when the library has it; an interrupted push resumes)')
    .argument('<file>')
    .addOption(kindOption())
    .option('--name <name>', 'name in the library (default: the file name without extension)')
    .option('--parallel <n>', 'parts uploaded at once', (v) => Number.parseInt(v, 10), 8)
    .option('--json', 'print the result as JSON')
    .action(
      async (file: string, opts: { kind: ModelKind; name?: string; parallel: number; json?: boolean }) => {
        if (!(opts.parallel >= 1 && opts.parallel <= 64))
          throw new CliError('--parallel: expected a number from 1 to 64');
        const bar = pushProgressBar(!opts.json && process.stderr.isTTY === true);
        const started = performance.now();
        try {
          const result = await pushModel(await client(), new UploadJournal(configDir()), {
            file,
            kind: opts.kind,
            name: opts.name,
            parallel: opts.parallel,
            onProgress: bar.update,
            onResume: (stored, of) => {
              if (!opts.json) process.stderr.write(`resuming: ${stored} of ${of} parts already on the hub\n`);
            },
          });
          bar.stop();
          if (opts.json) return printJson(result);
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          const what =
            result.outcome === 'exists' ? 'already in the library, nothing sent' : `uploaded in ${seconds} s`;
          process.stdout.write(`${result.model.name} (${opts.kind}) sha256:${result.sha256} — ${what}\n`);
        } finally {
          bar.stop();
        }
      },
    );
}

function registerAdd(models: Command): void {
  models
    .command('add')
    .description(
      'register a model by URL (Hugging Face, Civitai model/version page or download URL, …); the first agent that needs it fetches it',
    )
    .argument('<url>')
    .addOption(kindOption())
    .option('--name <name>', "name in the library (default: the file's name without extension)")
    .option('--sha256 <hex>', "the file's sha256 (asked from the site when omitted)")
    .option('--file <name>', 'file name to save it as')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        url: string,
        opts: { kind: ModelKind; name?: string; sha256?: string; file?: string; json?: boolean },
      ) => {
        const model = await (await client()).call(modelsEndpoints.add, {
          body: {
            url,
            kind: opts.kind,
            name: opts.name,
            sha256: opts.sha256?.toLowerCase(),
            fileName: opts.file,
          },
        });
        if (opts.json) return printJson(model);
        const size = model.sizeBytes === null ? '' : `, ${formatBytes(model.sizeBytes)}`;
        process.stdout.write(
          `${model.name} (${model.kind}${size}) sha256:${model.sha256} — ${model.status}\n` +
            (model.sourceUrl && model.sourceUrl !== url ? `  profile source.url: ${model.sourceUrl}\n` : ''),
        );
      },
    );
}

function registerLs(models: Command): void {
  models
    .command('ls')
    .description('list the models in the library')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { models: list } = await (await client()).call(modelsEndpoints.list);
      if (opts.json) return printJson(list);
      if (!list.length)
        return void process.stdout.write('No models yet: podpilot models push FILE --kind KIND\n');
      printTable(
        ['SHA256', 'NAME', 'KIND', 'SIZE', 'STATUS', 'USED BY'],
        list.map((m) => [
          m.sha256.slice(0, 12),
          m.name,
          m.kind,
          formatBytes(m.sizeBytes),
          m.status,
          m.usedBy.map((u) => `${u.profile}@${u.version}`).join(', ') || '-',
        ]),
      );
    });
}

function registerRm(models: Command): void {
  models
    .command('rm')
    .description('delete a model and its stored bytes (refused while a profile version uses it)')
    .argument('<model>', 'name, sha256, or its first 8+ characters')
    .option('--json', 'print as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const hub = await client();
      const model = await resolveModel(hub, ref);
      await hub.call(modelsEndpoints.remove, { params: { sha256: model.sha256 } });
      if (opts.json) return printJson({ name: model.name, sha256: model.sha256, deleted: true });
      process.stdout.write(`${model.name} (${model.sha256.slice(0, 12)}): deleted\n`);
    });
}
