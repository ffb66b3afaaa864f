import { describe, expect, it } from 'vitest';
import { OriginShare } from './origin-share.js';

describe('OriginShare', () => {
  it('splits the limit an origin was seen to allow among the downloads from it', () => {
    const a = OriginShare.join('http://127.0.0.1:1');
    const b = OriginShare.join('http://127.0.0.1:1');
    expect(b).toBe(a);
    expect(a.fairShare()).toBe(Number.POSITIVE_INFINITY); // nothing refused yet: no cap
    a.active = 17;
    a.refused(); // refused while 17 were held: it allows 16
    expect(a.fairShare()).toBe(8);
    a.active = 20;
    a.refused(); // a later refusal never raises the limit
    expect(a.fairShare()).toBe(8);
    a.wantsMore(); // a download at its share still gained: the limit creeps up by one
    expect(a.fairShare()).toBe(8); // 17 / 2
    a.wantsMore();
    expect(a.fairShare()).toBe(9);
    a.active = 17;
    a.refused(); // and a refusal takes it down again
    b.leave();
    expect(a.fairShare()).toBe(16); // the one left may take it all
    a.leave();
    const again = OriginShare.join('http://127.0.0.1:1');
    expect(again.fairShare()).toBe(Number.POSITIVE_INFINITY); // forgotten once unused
    again.leave();
  });

  it('does not invent a limit nobody showed', () => {
    const a = OriginShare.join('http://127.0.0.1:3');
    a.wantsMore();
    expect(a.fairShare()).toBe(Number.POSITIVE_INFINITY);
    a.leave();
  });

  it('keeps origins apart and never caps below one', () => {
    const a = OriginShare.join('http://127.0.0.1:1');
    const other = OriginShare.join('http://127.0.0.1:2');
    a.active = 0;
    a.refused();
    expect(a.fairShare()).toBe(1);
    expect(other.fairShare()).toBe(Number.POSITIVE_INFINITY);
    a.leave();
    other.leave();
  });
});
