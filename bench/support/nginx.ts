import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../apps/agent/src/test-support/free-port.js';

export interface Nginx {
  url: (file: string) => string;
  stop: () => Promise<void>;
}

/**
 * Debian's nginx serving `root` on 127.0.0.1 (sendfile, 2 workers, no access log), as a child process with
 * its own minimal config under `dir`. Resolves once it answers.
 */
export async function startNginx(root: string, dir: string): Promise<Nginx> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off; worker_processes 2; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'logs/error.log')};
events {}
http { sendfile on; server { listen 127.0.0.1:${port}; root ${root}; access_log off; } }
`,
  );
  const child: ChildProcess = spawn('nginx', ['-c', conf, '-p', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = (file: string) => `http://127.0.0.1:${port}/${file}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(url(''))
      .then((r) => r.status > 0)
      .catch(() => false);
    if (ok) break;
    if (i > 100) throw new Error(`nginx did not answer on port ${port}: ${stderr}`);
    await sleep(50);
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGQUIT'); // graceful: the master stops its workers
      await new Promise((r) => child.once('exit', r));
    },
  };
}
