-- Relaunch policy: how many more times the hub may replace a rental that never reached running (the provider
-- reports it failed, it never started, or its offer was taken), and how many it made. A relaunch keeps the
-- instance row; `relaunch_pending` holds the reason while the old rental is being destroyed (the new one is
-- rented only once the old one is gone).
alter table instances add column relaunches_left integer not null default 0 check (relaunches_left >= 0);
alter table instances add column relaunches_done integer not null default 0;
alter table instances add column relaunch_pending text;
