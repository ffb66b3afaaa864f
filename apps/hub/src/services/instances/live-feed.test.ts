import { describe, expect, it } from 'vitest';
import { manualClock } from '../../providers/test-support/fake-server.js';
import { useOwnerHub } from '../../test-support/app.js';
import { insertInstance } from '../../test-support/costs.js';
import { testDatabases } from '../../test-support/databases.js';
import { type LiveClient, LiveFeed } from './live-feed.js';

/** What a client of the feed received: each `instance` message's name by id, in order. */
function recorder() {
  const seen: { id: string; name: string }[] = [];
  const client: LiveClient = {
    write(chunk) {
      for (const [, data] of chunk.matchAll(/^event: instance\ndata: (.*)$/gm))
        seen.push(JSON.parse(data as string) as { id: string; name: string });
    },
    end() {},
  };
  return { client, seen };
}

describe.each(testDatabases())('the live feed reads what changed ($engine)', ({ open }) => {
  const t = useOwnerHub(open);

  it('polls only the instances written since its last read, and every instance each 30 s', async () => {
    const clock = manualClock(Date.now());
    const feed = new LiveFeed(t.db, t.hub.services.instances, {
      intervalMs: 20,
      idleMinuteMs: 60_000,
      now: clock.now,
    });
    const quiet = await insertInstance(t.db, { name: 'quiet', state: 'booting', transitions: [] });
    const written = await insertInstance(t.db, { name: 'written', state: 'booting', transitions: [] });
    // Written a while ago: past the margin within which a read looks again at recent writes.
    await t.db.query(
      `update instances set updated_at = now() - interval '1 minute' where id = any($1::uuid[])`,
      [[quiet, written]],
    );
    const { client, seen } = recorder();
    const leave = await feed.subscribe(client);
    try {
      // A change no write marked (updated_at untouched), then one that is marked.
      await t.db.query(`update instances set name = 'quiet-renamed' where id = $1`, [quiet]);
      await t.db.query(`update instances set name = 'written-renamed', updated_at = now() where id = $1`, [
        written,
      ]);
      await expect.poll(() => seen.map((i) => i.name), { timeout: 10_000 }).toContain('written-renamed');
      expect(seen.map((i) => i.id)).not.toContain(quiet);
      // The next full read (time passed) finds the unmarked change too.
      clock.advance(30_000);
      await expect.poll(() => seen.map((i) => i.name), { timeout: 10_000 }).toContain('quiet-renamed');
      expect(seen.filter((i) => i.id === written)).toHaveLength(1); // unchanged since: not sent again
    } finally {
      leave();
      feed.close();
    }
  });
});
