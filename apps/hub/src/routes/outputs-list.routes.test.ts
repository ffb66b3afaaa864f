import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { pngWithText, tEXt } from '../test-support/png.js';
import { syncOutputs } from '../test-support/uploads.js';

describe.each(testDatabases())('output lists on $engine', ({ open }) => {
  const t = useOwnerHub(open);
  const { owner, stranger } = hubRequests(() => t.hub);

  it('answer summaries with signed thumbnails; the detail has every setting', async () => {
    const { id, token } = await localAgent(t, 'list-a', { profile: 'list-a' });
    const prompt = JSON.stringify({
      '3': { class_type: 'KSampler', inputs: { seed: 1, positive: ['6', 0], negative: ['7', 0] } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: `a fox ${'in the snow '.repeat(40)}` } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry' } },
    });
    const workflow = JSON.stringify({
      nodes: Array.from({ length: 200 }, (_, n) => ({ id: n, type: 'Note' })),
    });
    const png = await pngWithText(320, 200, [tEXt('prompt', prompt), tEXt('workflow', workflow)]);
    await syncOutputs(t.hub, token, [
      { path: 'output/fox.png', bytes: png },
      { path: 'output/notes.txt', bytes: Buffer.from('no image') },
    ]);
    await t.hub.services.outputs.idle();

    const list = (await owner('GET', `/api/outputs?instance=${id}`)).json().outputs;
    const [text, fox] = list;
    expect(fox).toMatchObject({ path: 'output/fox.png', metadata: { width: 320, height: 200 } });
    expect(fox.metadata.prompt).toBeUndefined();
    expect(fox.metadata.workflow).toBeUndefined();
    expect(fox.prompt).toHaveLength(300);
    expect(fox.prompt.startsWith('a fox in the snow')).toBe(true);
    const thumb = await stranger('GET', fox.thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    expect((await sharp(Buffer.from(thumb.rawPayload)).metadata()).format).toBe('webp');
    expect(text).toMatchObject({ path: 'output/notes.txt', thumbnailUrl: null, prompt: null });

    const detail = (await owner('GET', `/api/outputs/${fox.id}`)).json();
    expect(detail.metadata).toMatchObject({ prompt, workflow, width: 320, height: 200 });
    expect(detail.thumbnailUrl).toEqual(expect.any(String));
  });

  it('summarises outputs read before summaries existed, from their stored settings', async () => {
    const { id, token } = await localAgent(t, 'list-b', { profile: 'list-b' });
    const png = await pngWithText(64, 64, [tEXt('parameters', 'a castle\nNegative prompt: fog\nSteps: 20')]);
    await syncOutputs(t.hub, token, [{ path: 'outputs/castle.png', bytes: png }]);
    await t.hub.services.outputs.idle();
    await t.db.query('update outputs set prompt_summary = null where instance_id = $1', [id]);
    expect((await owner('GET', `/api/outputs?instance=${id}`)).json().outputs[0].prompt).toBeNull();
    await t.hub.services.outputs.resumeDerivations();
    expect((await owner('GET', `/api/outputs?instance=${id}`)).json().outputs[0].prompt).toBe('a castle');
  });
});
