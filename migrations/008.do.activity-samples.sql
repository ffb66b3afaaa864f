-- Activity history for charts: at most one sample per instance per minute from the heartbeats' activity facts
-- (the busiest GPU's utilisation, the VRAM of all GPUs), kept 14 days.
create table instance_activity_samples (
  instance_id uuid not null references instances (id) on delete cascade,
  at timestamptz not null,
  gpu_percent real,
  vram_used_mib real,
  vram_total_mib real,
  busy boolean
);
create index instance_activity_samples_instance_at_idx on instance_activity_samples (instance_id, at);
create index instance_activity_samples_at_idx on instance_activity_samples (at);
