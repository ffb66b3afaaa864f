import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCpu } from './process-cpu.js';

describe('ProcessCpu', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL'); // the whole group: the shell and what it started
      } catch {
        // Already gone.
      }
    }
  });

  /** Starts a command in its own process group (so afterEach can kill its whole tree). */
  const start = async (command: string, args: string[]) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    children.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    return child.pid ?? 0;
  };

  const BUSY = [process.execPath, ['-e', 'for(;;){}']] as const;

  it('measures a busy process near one core and an idle one near zero', async () => {
    const busyPid = await start(BUSY[0], [...BUSY[1]]);
    const busy = new ProcessCpu(() => busyPid);
    const idlePid = await start('sleep', ['30']);
    const idle = new ProcessCpu(() => idlePid);
    expect(await busy.sample()).toBeNull();
    expect(await idle.sample()).toBeNull();
    await sleep(1000);
    // Tolerant: a loaded test machine may give the loop less than a whole core.
    expect(await busy.sample()).toBeGreaterThan(20);
    expect(await idle.sample()).toBeLessThan(10);
  });

  it('adds the descendants of the root', async () => {
    // The shell itself idles; its child spins.
    const shell = await start('sh', ['-c', `"${BUSY[0]}" -e 'for(;;){}' & wait`]);
    const tree = new ProcessCpu(() => shell);
    await sleep(200); // let the shell start its child
    await tree.sample();
    await sleep(1000);
    expect(await tree.sample()).toBeGreaterThan(20);
  });

  it('knows nothing without a pid, for a gone process, or right after the root changed', async () => {
    let pid: number | null = null;
    const cpu = new ProcessCpu(() => pid);
    expect(await cpu.sample()).toBeNull();
    expect(await cpu.sample()).toBeNull();
    pid = await start('sleep', ['30']);
    expect(await cpu.sample()).toBeNull();
    await sleep(50);
    expect(await cpu.sample()).toBeLessThan(10);
    pid = await start('sleep', ['30']);
    expect(await cpu.sample()).toBeNull();
    pid = 2 ** 22 + 1; // above pid_max: no such process
    expect(await cpu.sample()).toBeNull();
  });
});
