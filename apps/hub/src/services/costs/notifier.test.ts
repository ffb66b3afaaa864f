import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.js';
import { webhookUrlProblem } from '../../lib/webhook-url.js';
import { Notifier } from './notifier.js';

describe('Notifier', () => {
  it('records the notice as a hub event, then wakes the notification job (which delivers it)', async () => {
    const order: string[] = [];
    const db = {
      query: async (sql: string, values: unknown[]) => {
        order.push(`${sql.split('(')[0]?.trim()} ${JSON.stringify(values)}`);
        return [];
      },
    } as unknown as Db;
    const notifier = new Notifier(db, () => order.push('wake'));
    await notifier.notify({ kind: 'budget.warning', level: 'warn', instanceId: null, message: 'half spent' });
    expect(order).toEqual([
      `insert into events ${JSON.stringify([null, 'warn', 'budget.warning', 'half spent', null])}`,
      'wake',
    ]);
  });

  it('refuses a private webhook URL when it is saved, unless the allowlist names it', () => {
    for (const url of [
      'http://127.0.0.1:9/h',
      'http://[::ffff:10.0.0.1]/h',
      'http://metadata.google.internal/h',
    ])
      expect(webhookUrlProblem(url), url).toMatch(/^expected a public http\(s\) address/);
    expect(webhookUrlProblem('https://hooks.example.com/h')).toBeNull();
    expect(webhookUrlProblem('ftp://hooks.example.com/h')).toBe('expected an http(s) URL');
    expect(webhookUrlProblem('http://10.0.0.7/h', ['10.0.0.0/8'])).toBeNull();
    expect(webhookUrlProblem('http://hooks.lan/h', ['hooks.lan'])).toBeNull();
  });
});
