-- Notification targets (docs/notifications.md): webhooks told of what happens to instances and budgets.
-- The URL is a secret (a Slack/Discord webhook URL carries its token in the path): it is stored encrypted in
-- `secrets` under `notification-target.<id>.url`; this table keeps only what may be shown (`url_hint`:
-- scheme + host) and the last delivery's outcome.
create table notification_targets (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  format text not null check (format in ('generic', 'slack', 'discord')),
  url_hint text not null,
  events jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_delivery_at timestamptz,
  last_status text check (last_status in ('ok', 'failed')),
  last_error text,
  last_error_at timestamptz
);

-- The outcome of PODPILOT_WEBHOOK_URL (the environment's default target), which has no row above.
create table notification_env_target (
  id boolean primary key default true check (id),
  last_delivery_at timestamptz,
  last_status text check (last_status in ('ok', 'failed')),
  last_error text,
  last_error_at timestamptz
);
insert into notification_env_target (id) values (true);

-- How far the notification job has read `events` and `instance_transitions` (ids), so each notice is sent
-- once, across restarts. Null until the first pass, which starts from the newest rows (no history replayed).
create table notification_cursor (
  id boolean primary key default true check (id),
  event_id bigint,
  transition_id bigint,
  updated_at timestamptz not null default now()
);
insert into notification_cursor (id) values (true);
