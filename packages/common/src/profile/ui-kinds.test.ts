import { describe, expect, it } from 'vitest';
import { checkRelativePath } from './safe-path.js';
import { ModelKind, UI_KINDS, UiKind } from './ui-kinds.js';

describe('UI_KINDS', () => {
  it('has one row per UI kind', () => {
    expect(Object.keys(UI_KINDS).sort()).toEqual([...UiKind.options].sort());
  });

  it.each(UiKind.options)('%s: every folder is a safe relative path', (kind) => {
    const ui = UI_KINDS[kind];
    const folders = [
      ...Object.values(ui.modelDirs),
      ...ui.defaultOutputs,
      ...ui.settingsFiles,
      ...ui.settingsFolders,
      ...ui.selfManagedDirs,
      ...(ui.extensionsDir === null ? [] : [ui.extensionsDir]),
    ];
    for (const folder of folders) expect(checkRelativePath(folder), folder).toBeNull();
    expect(Object.keys(ui.modelDirs).sort()).toEqual([...ModelKind.options].sort());
    expect(checkRelativePath(ui.installDir)).toBeNull();
  });

  it.each(UiKind.options)('%s: launches on its own port from a GitHub repository', (kind) => {
    const ui = UI_KINDS[kind];
    expect(ui.launch.args).toContain(String(ui.port));
    expect(ui.launch.command[0]).toBe('python');
    expect(ui.repo).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    expect(ui.defaultRef).not.toBe('');
  });

  it('knows where the UIs keep their files', () => {
    expect(UI_KINDS.a1111.modelDirs.checkpoint).toBe('models/Stable-diffusion');
    expect(UI_KINDS.a1111.modelDirs.embedding).toBe('embeddings');
    expect(UI_KINDS.forge.modelDirs).toEqual(UI_KINDS.a1111.modelDirs);
    expect(UI_KINDS.comfyui.modelDirs.upscaler).toBe('models/upscale_models');
    expect(UI_KINDS.comfyui.extensionsDir).toBe('custom_nodes');
    expect(UI_KINDS.comfyui.defaultOutputs).toEqual(['output/']);
    expect(UI_KINDS.fooocus.extensionsDir).toBeNull();
    expect(UI_KINDS.kohya.extensionsDir).toBeNull();
  });

  it('knows the settings files each UI writes as the user changes them', () => {
    expect(UI_KINDS.a1111.settingsFiles).toEqual(['config.json', 'ui-config.json', 'styles.csv']);
    expect(UI_KINDS.forge.settingsFiles).toEqual(UI_KINDS.a1111.settingsFiles);
    expect(UI_KINDS.comfyui.settingsFiles).toContain('extra_model_paths.yaml');
    expect(UI_KINDS.fooocus.settingsFiles).toEqual(['config.txt']);
    expect(UI_KINDS.kohya.settingsFiles).toEqual(['config.toml']);
  });

  it('lists what a snapshot may bring back: settings files and folders, ComfyUI workflows included', () => {
    expect(UI_KINDS.comfyui.settingsFiles).toContain('user/default/comfy.settings.json');
    expect(UI_KINDS.comfyui.settingsFolders).toEqual(['user/default/workflows']);
    for (const kind of UiKind.options) {
      const ui = UI_KINDS[kind];
      expect(ui.settingsFiles.length, kind).toBeGreaterThan(0);
      // No settings path lies in a model, output or extensions folder: those are not settings.
      const elsewhere = [...Object.values(ui.modelDirs), ...ui.defaultOutputs, ui.extensionsDir ?? '//'];
      for (const path of [...ui.settingsFiles, ...ui.settingsFolders])
        expect(
          elsewhere.some((dir) => path.startsWith(dir.replace(/\/?$/, '/'))),
          path,
        ).toBe(false);
    }
  });
});
