import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { withJobLock } from '../db/job-lock.js';
import { NotificationSourcesRepository } from '../repositories/notification-sources.repository.js';
import { noticeOfEvent, noticeOfTransition } from '../services/notifications/notices.js';
import type { NotificationsService } from '../services/notifications/notifications.service.js';
import { repeatEvery } from './repeat.js';

/** The advisory lock of this job (beside JOB_LOCKS' reconciler 1, cost watch 2, deadlines 3). */
export const NOTIFICATION_WATCH_LOCK = 0x706f6470_0010;

/** Rows read per pass and source; the rest wait for the next pass. */
const PAGE = 500;

/**
 * Turns what happened into notices, from ONE place: new `instance_transitions` rows (ready, failed, stopped
 * with its reason: crashed, preempted…) and new `events` rows (the hub's idle warnings, budget and deadline
 * notices; the agent's `provision.done`), read after a cursor kept in the database. The cursor moves before
 * the deliveries start, so each notice is sent once, across restarts and across hubs sharing one database
 * (one pass at a time, under an advisory lock); a hub that stops mid-delivery loses that delivery rather
 * than sending it twice. The first pass starts at the newest rows: no history is replayed.
 */
export class NotificationWatch {
  private readonly sources: NotificationSourcesRepository;
  private woken: Promise<unknown> | null = null;

  constructor(
    private readonly db: Db,
    private readonly notifications: NotificationsService,
    private readonly log: FastifyBaseLogger,
  ) {
    this.sources = new NotificationSourcesRepository(db);
  }

  /** One pass; false when another pass (here or on another hub) holds the lock. */
  async runOnce(): Promise<boolean> {
    return withJobLock(this.db, NOTIFICATION_WATCH_LOCK, async () => {
      const cursor = await this.sources.cursor();
      if (cursor.eventId === null || cursor.transitionId === null) {
        await this.sources.saveCursor(await this.sources.newest());
        return;
      }
      const eventsTo = await this.sources.eventIdReached(cursor.eventId, PAGE);
      const transitionsTo = await this.sources.transitionIdReached(cursor.transitionId, PAGE);
      if (eventsTo === cursor.eventId && transitionsTo === cursor.transitionId) return;
      const notices = [
        ...(await this.sources.eventsBetween(cursor.eventId, eventsTo)).map(noticeOfEvent),
        ...(await this.sources.transitionsBetween(cursor.transitionId, transitionsTo)).map(
          noticeOfTransition,
        ),
      ].sort((a, b) => a.at.localeCompare(b.at));
      await this.sources.saveCursor({ eventId: eventsTo, transitionId: transitionsTo });
      for (const notice of notices) this.notifications.dispatch(notice);
    });
  }

  /** A pass now (a notice was just recorded); coalesced with one already asked for. */
  wake(): void {
    this.woken ??= Promise.resolve()
      .then(() => this.runOnce())
      .catch((err: unknown) => this.log.warn({ err }, 'notification pass failed'))
      .finally(() => {
        this.woken = null;
      });
  }

  /** Runs `runOnce` every `everyMs` (never overlapping); returns a stop function. */
  start(everyMs: number): () => void {
    return repeatEvery(
      everyMs,
      () => this.runOnce(),
      (err) => this.log.warn({ err }, 'notification pass failed'),
    );
  }
}
