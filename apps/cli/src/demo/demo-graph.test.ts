import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, demoGraph, readGraph } from './demo-graph.js';

describe('the demo workflow', () => {
  it('reads back the settings it was made from', () => {
    const settings = {
      ...DEMO_DEFAULTS,
      prompt: 'p',
      negative: 'n',
      seed: 9,
      steps: 3,
      width: 256,
      height: 128,
    };
    expect(readGraph(demoGraph(settings))).toEqual({ settings, outputNode: '9' });
  });

  it('keeps sizes small and whole, and file name prefixes to one safe segment', () => {
    const graph = demoGraph({ width: 100_000, height: 70, filenamePrefix: '../x/y z' });
    const { settings } = readGraph(graph);
    expect([settings.width, settings.height]).toEqual([DEMO_DEFAULTS.width, 64]);
    expect(settings.filenamePrefix).toBe('.._x_y_z');
  });

  it('says what is missing from a graph it cannot run', () => {
    expect(() => readGraph('text')).toThrow(/API format/);
    expect(() => readGraph({ '1': { class_type: 'KSampler', inputs: {} } })).toThrow(/no SaveImage/);
    const graph = demoGraph();
    graph['8'] = { class_type: 'VAEDecode', inputs: { samples: ['404', 0] } };
    expect(() => readGraph(graph)).toThrow(/VAEDecode ← KSampler/);
  });
});
