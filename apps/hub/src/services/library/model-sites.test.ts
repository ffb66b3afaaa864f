import { describe, expect, it } from 'vitest';
import { civitaiRef } from './civitai.js';
import { ModelSites } from './model-sites.js';
import { fileNameFromDisposition } from './url-probe.js';

const stored: Record<string, string> = {
  'huggingface.token': 'hf_abc123456',
  'model-host.models.example.com.header': 'X-Api-Key: k-42424242',
  'model-host.bad.example.com.header': 'stored before the check',
};
const sites = new ModelSites({ reveal: async (name) => stored[name] ?? null });

describe('ModelSites', () => {
  it('gives each origin its own credential, and names the secret where none is set', async () => {
    const credentials = await sites.credentialsFor([
      'https://huggingface.co/org/repo/resolve/main/a.safetensors',
      'https://huggingface.co/org/other/resolve/main/b.safetensors',
      'https://civitai.com/api/download/models/1',
      'https://models.example.com/c.bin',
      'https://bad.example.com/d.bin',
      'http://plain.example.com/e.bin',
    ]);
    expect(credentials).toEqual([
      {
        origin: 'https://huggingface.co',
        secret: 'huggingface.token',
        header: 'Authorization',
        value: 'Bearer hf_abc123456',
      },
      { origin: 'https://civitai.com', secret: 'civitai.token' },
      {
        origin: 'https://models.example.com',
        secret: 'model-host.models.example.com.header',
        header: 'X-Api-Key',
        value: 'k-42424242',
      },
      { origin: 'https://bad.example.com', secret: 'model-host.bad.example.com.header' },
    ]);
  });

  it('never gives a token to a look-alike host or another scheme', async () => {
    for (const url of [
      'https://huggingface.co.evil.example/x',
      'http://huggingface.co/x',
      'https://cdn-lfs.huggingface.co/x',
    ])
      expect(await sites.headersFor(url)).toEqual({});
  });

  it('finds the licence page of a Hugging Face file', () => {
    expect(
      sites.licencePage('https://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/ae.safetensors'),
    ).toBe('https://huggingface.co/black-forest-labs/FLUX.1-dev');
    expect(sites.licencePage('https://civitai.com/models/1')).toBeNull();
  });
});

describe('civitaiRef', () => {
  it.each([
    ['https://civitai.com/models/4201/detail-tweaker?modelVersionId=62833', { versionId: 62833 }],
    ['https://civitai.com/models/4201', { modelId: 4201 }],
    ['https://civitai.com/api/download/models/62833?type=Model&format=SafeTensor', { versionId: 62833 }],
    ['https://civitai.com/images/123', null],
    ['https://example.com/models/4201', null],
  ])('%s', (url, expected) => expect(civitaiRef(sites, url)).toEqual(expected));
});

describe('fileNameFromDisposition', () => {
  it.each([
    ['attachment; filename="detail.safetensors"', 'detail.safetensors'],
    [`attachment; filename="x.bin"; filename*=UTF-8''d%C3%A9tail%20v2.safetensors`, 'détail v2.safetensors'],
    ['attachment; filename=plain.ckpt', 'plain.ckpt'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename=".."', null],
    ['inline', null],
    [null, null],
  ])('%j → %j', (header, expected) => expect(fileNameFromDisposition(header)).toBe(expected));
});
