-- Cost control: the owner's idle override per instance, the idle warning and action already done (so several
-- hubs never warn or stop twice), and a storage price for cost accounting where the provider gives one.
alter table instances add column idle_override jsonb;
alter table instances add column idle_warned_at timestamptz;
alter table instances add column idle_action_at timestamptz;
alter table instances add column storage_price_per_hour numeric(12, 6);
-- The price in force from each state change on: a relaunch onto another offer changes it mid-life.
alter table instance_transitions add column price_per_hour numeric(12, 6);
create index instance_transitions_at_idx on instance_transitions (at);
