import { describe, expect, it } from 'vitest';
import { pipOptions } from './python-deps.js';
import { pythonSettings } from './settings.js';

describe('settings and pip options', () => {
  it('uses PODPILOT_PYTHON, else the image venv when present, else python3', () => {
    expect(pythonSettings({ PODPILOT_PYTHON: '/usr/bin/python3.12' }).baseInterpreter).toBe(
      '/usr/bin/python3.12',
    );
    expect(pythonSettings({}, () => true).baseInterpreter).toBe('/opt/venv/bin/python');
    expect(pythonSettings({}, () => false)).toEqual({
      baseInterpreter: 'python3',
      seedDir: '/opt/podpilot/ui',
    });
    expect(pythonSettings({ PODPILOT_UI_SEED_DIR: '/seed' }, () => false).seedDir).toBe('/seed');
  });

  it("passes the profile's indexes and link folders to pip", () => {
    expect(
      pipOptions({ extraIndexUrls: ['https://i.example/simple'], findLinks: ['/w', 'https://l.example/'] }),
    ).toEqual([
      '--extra-index-url',
      'https://i.example/simple',
      '--find-links',
      '/w',
      '--find-links',
      'https://l.example/',
    ]);
    expect(pipOptions(undefined)).toEqual([]);
  });
});
