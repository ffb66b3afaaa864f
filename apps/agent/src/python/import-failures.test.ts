import { describe, expect, it } from 'vitest';
import { ImportFailureScanner, importFailureListener } from './import-failures.js';

describe('ImportFailureScanner', () => {
  it("names each ComfyUI custom node of the start summary's IMPORT FAILED lines once, with its reason", () => {
    const scanner = new ImportFailureScanner('comfyui', 'custom_nodes');
    const log = [
      'Traceback (most recent call last):',
      "ModuleNotFoundError: No module named 'pp_missing'",
      "Cannot import /workspace/ComfyUI/custom_nodes/bad-node module for custom nodes: No module named 'pp_missing'",
      'Import times for custom nodes:',
      '   0.0 seconds: /workspace/ComfyUI/custom_nodes/good-node',
      '   0.0 seconds (IMPORT FAILED): /workspace/ComfyUI/custom_nodes/bad-node',
      // A restart prints the summary again: not a second warning.
      '   0.0 seconds (IMPORT FAILED): /workspace/ComfyUI/custom_nodes/bad-node',
    ];
    const found = log.map((line) => scanner.scan(line)).filter(Boolean);
    expect(found).toEqual([
      {
        name: 'bad-node',
        line: "0.0 seconds (IMPORT FAILED): /workspace/ComfyUI/custom_nodes/bad-node — No module named 'pp_missing'",
      },
    ]);
  });

  it("names A1111's and Forge's extensions whose script or installer failed", () => {
    const failures: string[] = [];
    const listen = importFailureListener('a1111', 'extensions', (f) => failures.push(f.name));
    listen('*** Error loading script: /workspace/stable-diffusion-webui/extensions/sd-foo/scripts/foo.py');
    listen('*** Error running install.py for extension /workspace/stable-diffusion-webui/extensions/sd-bar.');
    listen('*** Error loading script: /workspace/stable-diffusion-webui/scripts/builtin.py');
    listen('*** Error loading script: /workspace/stable-diffusion-webui/extensions/sd-foo/scripts/other.py');
    expect(failures).toEqual(['sd-foo', 'sd-bar']);
  });

  it('finds nothing for a UI without extensions', () => {
    expect(new ImportFailureScanner('kohya', null).scan('(IMPORT FAILED): /x/custom_nodes/y')).toBeNull();
  });
});
