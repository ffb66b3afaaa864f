-- Snapshots: what each stored snapshot of an instance made (the profile version, the changes against the
-- launched version, warnings), so the owner can read the last result after the agent reported it.
create table instance_snapshots (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references instances (id) on delete cascade,
  command_id uuid references agent_commands (id) on delete set null,
  profile_version_id uuid references profile_versions (id) on delete set null,
  result jsonb not null,
  created_at timestamptz not null default now()
);
create index instance_snapshots_instance_idx on instance_snapshots (instance_id, created_at desc);
create unique index instance_snapshots_command_idx on instance_snapshots (command_id) where command_id is not null;
