import { describe, expect, it } from 'vitest';
import { addModelBody, guessKind, hostOf, nameFromUrl, stem, usageByProfile } from './models';

describe('stem', () => {
  it('drops the last extension only', () => {
    expect(stem('sd_xl_base_1.0.safetensors')).toBe('sd_xl_base_1.0');
    expect(stem('no-extension')).toBe('no-extension');
  });
});

describe('guessKind', () => {
  it('reads the kind from words in the file name', () => {
    expect(guessKind('detail-LoRA-v2.safetensors')).toBe('lora');
    expect(guessKind('sdxl_vae.safetensors')).toBe('vae');
    expect(guessKind('controlnet-canny.safetensors')).toBe('controlnet');
    expect(guessKind('4x-UltraSharp.pth')).toBe('upscaler');
    expect(guessKind('t5xxl_fp16.safetensors')).toBe('text-encoder');
    expect(guessKind('clip_l.safetensors')).toBe('text-encoder');
    expect(guessKind('easynegative_embedding.pt')).toBe('embedding');
  });

  it('defaults to a checkpoint (a "vae" inside a word does not count)', () => {
    expect(guessKind('juggernautXL.safetensors')).toBe('checkpoint');
    expect(guessKind('novaestyle.safetensors')).toBe('checkpoint');
    expect(guessKind('embed.safetensors')).toBe('checkpoint');
  });
});

describe('usageByProfile', () => {
  it('groups the versions of each profile, sorted', () => {
    const usedBy = [
      { profile: 'b', version: 3 },
      { profile: 'a', version: 2 },
      { profile: 'b', version: 1 },
    ];
    expect(usageByProfile({ usedBy })).toEqual([
      ['b', [1, 3]],
      ['a', [2]],
    ]);
  });
});

describe('hostOf', () => {
  it('reads the host, or keeps what is not a URL', () => {
    expect(hostOf('https://huggingface.co/x/y.safetensors')).toBe('huggingface.co');
    expect(hostOf('not a url')).toBe('not a url');
  });
});

describe('adding a model by URL', () => {
  it('names it after the URL when no name is given', () => {
    expect(nameFromUrl('https://huggingface.co/org/repo/resolve/main/sd%20xl.safetensors?download=1')).toBe(
      'sd xl',
    );
    expect(nameFromUrl('not a url')).toBe('');
  });

  it('trims the fields and leaves out empty options', () => {
    const body = addModelBody({
      url: ' https://example.com/m/lora.safetensors ',
      name: ' ',
      kind: 'lora',
      sha256: ' ABC ',
      fileName: '',
    });
    expect(body).toEqual({
      url: 'https://example.com/m/lora.safetensors',
      name: 'lora',
      kind: 'lora',
      sha256: 'abc',
    });
  });
});
