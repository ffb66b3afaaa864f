import type { NotificationEvent, NotificationFormat } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface NotificationTargetRow {
  id: string;
  name: string;
  format: NotificationFormat;
  urlHint: string;
  events: NotificationEvent[];
  createdAt: Date;
  lastDeliveryAt: Date | null;
  lastStatus: 'ok' | 'failed' | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** What a delivery left on its target: the time, whether it worked and, when not, why. */
export interface DeliveryOutcome {
  at: Date;
  ok: boolean;
  error: string | null;
}

const OUTCOME = `last_delivery_at as "lastDeliveryAt", last_status as "lastStatus", last_error as "lastError",
  last_error_at as "lastErrorAt"`;
const COLUMNS = `id, name, format, url_hint as "urlHint", events, created_at as "createdAt", ${OUTCOME}`;

/**
 * The `notification_targets` table (the URLs themselves are in `secrets`, encrypted) and the outcome of
 * `PODPILOT_WEBHOOK_URL` (`notification_env_target`).
 */
export class NotificationTargetsRepository {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<NotificationTargetRow[]> {
    return this.db.query<NotificationTargetRow>(`select ${COLUMNS} from notification_targets order by name`);
  }

  async find(id: string): Promise<NotificationTargetRow | null> {
    const rows = await this.db.query<NotificationTargetRow>(
      `select ${COLUMNS} from notification_targets where id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The new row, or null when the name is taken. */
  async insert(
    row: Pick<NotificationTargetRow, 'name' | 'format' | 'urlHint' | 'events'>,
  ): Promise<NotificationTargetRow | null> {
    const rows = await this.db.query<NotificationTargetRow>(
      `insert into notification_targets (name, format, url_hint, events) values ($1, $2, $3, $4::jsonb)
       on conflict (name) do nothing returning ${COLUMNS}`,
      [row.name, row.format, row.urlHint, JSON.stringify(row.events)],
    );
    return rows[0] ?? null;
  }

  /** The changed row; null when there is none. Throws the driver's unique violation for a taken name. */
  async update(
    id: string,
    fields: Partial<Pick<NotificationTargetRow, 'name' | 'format' | 'urlHint' | 'events'>>,
  ): Promise<NotificationTargetRow | null> {
    const rows = await this.db.query<NotificationTargetRow>(
      `update notification_targets set name = coalesce($2, name), format = coalesce($3, format),
              url_hint = coalesce($4, url_hint), events = coalesce($5::jsonb, events), updated_at = now()
        where id = $1 returning ${COLUMNS}`,
      [
        id,
        fields.name ?? null,
        fields.format ?? null,
        fields.urlHint ?? null,
        fields.events ? JSON.stringify(fields.events) : null,
      ],
    );
    return rows[0] ?? null;
  }

  /** Whether a row was deleted. */
  async remove(id: string): Promise<boolean> {
    return (
      (await this.db.query('delete from notification_targets where id = $1 returning id', [id])).length > 0
    );
  }

  /** Whether a target (other than `exceptId`) already has this name. */
  async nameTaken(name: string, exceptId: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from notification_targets where name = $1 and id <> $2', [
      name,
      exceptId,
    ]);
    return rows.length > 0;
  }

  /** Records a delivery on a target (`env`: PODPILOT_WEBHOOK_URL); a success keeps the last error. */
  async recordOutcome(id: string, outcome: DeliveryOutcome): Promise<void> {
    const set = `last_delivery_at = $1, last_status = $2::text,
      last_error = case when $2::text = 'failed' then $3::text else last_error end,
      last_error_at = case when $2::text = 'failed' then $1 else last_error_at end`;
    const values = [outcome.at, outcome.ok ? 'ok' : 'failed', outcome.error];
    if (id === 'env') await this.db.query(`update notification_env_target set ${set}`, values);
    else await this.db.query(`update notification_targets set ${set} where id = $4`, [...values, id]);
  }

  /** PODPILOT_WEBHOOK_URL's last delivery. */
  async envOutcome(): Promise<
    Pick<NotificationTargetRow, 'lastDeliveryAt' | 'lastStatus' | 'lastError' | 'lastErrorAt'>
  > {
    const rows = await this.db.query<
      Pick<NotificationTargetRow, 'lastDeliveryAt' | 'lastStatus' | 'lastError' | 'lastErrorAt'>
    >(`select ${OUTCOME} from notification_env_target`);
    return rows[0] ?? { lastDeliveryAt: null, lastStatus: null, lastError: null, lastErrorAt: null };
  }
}
