// The demo UI's one page: a prompt form that queues the demo workflow through `POST /prompt` and shows the
// queue and the pictures made so far (`/queue`, `/history`, `/view`), as ComfyUI's own front end does.
import { demoGraph } from './demo-graph.js';

const SCRIPT = `
const graph = ${JSON.stringify(demoGraph())};
const $ = (id) => document.getElementById(id);
$('seed').value = Math.floor(Math.random() * 1e9);
$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const g = structuredClone(graph);
  g['6'].inputs.text = $('prompt').value;
  g['7'].inputs.text = $('negative').value;
  g['3'].inputs.seed = Number($('seed').value) || 0;
  g['3'].inputs.steps = Number($('steps').value) || 12;
  const res = await fetch('prompt', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: g, client_id: 'demo-page' }) });
  const answer = await res.json();
  $('status').textContent = res.ok ? 'queued #' + answer.number : (answer.error && answer.error.message) || 'refused';
  $('seed').value = Math.floor(Math.random() * 1e9);
});
async function refresh() {
  try {
    const queue = await (await fetch('queue')).json();
    $('queue').textContent = queue.queue_running.length + ' running, ' + queue.queue_pending.length + ' waiting';
    const history = await (await fetch('history?max_items=24')).json();
    const images = Object.values(history).reverse().flatMap((entry) =>
      Object.values(entry.outputs).flatMap((output) => output.images || []));
    $('gallery').replaceChildren(...images.map((image) => {
      const img = document.createElement('img');
      img.src = 'view?type=output&subfolder=' + encodeURIComponent(image.subfolder) + '&filename=' + encodeURIComponent(image.filename);
      img.alt = image.filename;
      return img;
    }));
  } catch (error) {
    $('queue').textContent = 'not reachable: ' + error.message;
  }
}
refresh();
setInterval(refresh, 1500);
`;

export const DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PodPilot demo UI</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
form { display: grid; gap: .5rem; grid-template-columns: 8rem 1fr; align-items: center; }
textarea, input { font: inherit; padding: .3rem; } button { grid-column: 2; justify-self: start; padding: .4rem 1rem; }
#gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .5rem; margin-top: 1rem; }
#gallery img { width: 100%; border-radius: 4px; }
</style></head>
<body><h1>PodPilot demo UI</h1>
<p>A stand-in for ComfyUI that needs no GPU and no network: it draws a small landscape from the seed and the
prompt and saves it with ComfyUI's metadata, so PodPilot syncs it to the gallery like any other output.</p>
<form id="form">
<label for="prompt">Prompt</label><textarea id="prompt" rows="2">${demoGraph()['6']?.inputs.text}</textarea>
<label for="negative">Negative</label><input id="negative" value="${demoGraph()['7']?.inputs.text}">
<label for="seed">Seed</label><input id="seed" type="number" min="0">
<label for="steps">Steps</label><input id="steps" type="number" min="1" max="150" value="12">
<button type="submit">Queue prompt</button>
</form>
<p><span id="status"></span> Queue: <span id="queue">…</span></p>
<div id="gallery"></div>
<script>${SCRIPT}</script>
</body></html>
`;
