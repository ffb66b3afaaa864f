import { PODPILOT_VERSION } from '@podpilot/common';
import { HUB_SETTINGS, loadHubConfig } from '@podpilot/hub/env';
import closeWithGrace from 'close-with-grace';
import { type Command, Option } from 'commander';

type SettingName = keyof typeof HUB_SETTINGS;

/** `--database-url` → `databaseUrl`, the key commander gives the option's value. */
const optionKey = (flag: string): string =>
  (flag.split(' ')[0] ?? '').replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The environment-variable section of `podpilot hub --help`. */
function environmentHelp(): string {
  const rows = Object.entries(HUB_SETTINGS).map(
    ([name, s]) => `  ${name.padEnd(36)}${s.help} (default: ${s.fallback})`,
  );
  return `\nEvery option can also be set by its environment variable (a flag wins over the variable):\n${rows.join('\n')}\n`;
}

/** Registers `podpilot hub`: runs the hub until SIGINT/SIGTERM. */
export function registerHubCommand(program: Command): void {
  const hub = program
    .command('hub')
    .description(
      'run the PodPilot hub: API, web UI and scheduler (PGlite and local storage unless configured)',
    );
  for (const [name, setting] of Object.entries(HUB_SETTINGS)) {
    if (setting.flag) hub.addOption(new Option(setting.flag, `${setting.help} [${name}]`));
  }
  hub.addHelpText('after', environmentHelp());
  hub.action(async (flags: Record<string, string | undefined>) => {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const [name, setting] of Object.entries(HUB_SETTINGS) as [
      SettingName,
      (typeof HUB_SETTINGS)[SettingName],
    ][]) {
      const value = setting.flag ? flags[optionKey(setting.flag)] : undefined;
      if (value !== undefined) env[name] = value;
    }
    const config = loadHubConfig(env);
    // Loaded on demand: the other commands should not pay for the hub's server and database code.
    const { startHub } = await import('@podpilot/hub');
    const running = await startHub(config);
    // One write, so a reader never sees the listening line without the setup line that belongs to it.
    const engine = config.databaseUrl ? 'postgres' : 'pglite';
    const banner = [
      `PodPilot hub ${PODPILOT_VERSION} listening on ${running.url} (database: ${engine}, home: ${config.home})`,
      ...(running.setupUrl ? [`Set the owner password: ${running.setupUrl}`] : []),
    ];
    process.stdout.write(`${banner.join('\n')}\n`);
    closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
      if (err) running.logger.error({ err }, 'stopping after an unexpected error');
      else running.logger.info({ signal }, 'stopping');
      await running.close();
    });
  });
}
