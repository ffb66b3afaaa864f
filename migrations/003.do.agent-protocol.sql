-- The agent protocol: what the latest heartbeat said, commands waiting for the agent, idempotent events, logs.

-- The facts of the latest heartbeat, as the agent sent them (validated by the hub), for the owner's API.
alter table instances add column agent_facts jsonb;
alter table instances add column agent_version text;

-- An agent resends events it is not sure arrived; its own id makes the second copy a no-op.
alter table events add column client_id uuid;
create unique index events_client_id_idx on events (instance_id, client_id) where client_id is not null;

-- Commands for an agent, delivered in heartbeat replies until it acknowledges them.
create table agent_commands (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references instances (id) on delete cascade,
  kind text not null check (kind in ('sync-now', 'snapshot', 'stop-webui', 'shutdown')),
  args jsonb,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  acknowledged_at timestamptz,
  result jsonb
);
create index agent_commands_pending_idx on agent_commands (instance_id) where acknowledged_at is null;

-- WebUI and agent output lines, batched by the agent.
create table instance_logs (
  id bigint generated always as identity primary key,
  instance_id uuid not null references instances (id) on delete cascade,
  stream text not null check (stream in ('agent', 'webui')),
  at timestamptz not null,
  line text not null
);
create index instance_logs_instance_idx on instance_logs (instance_id, id);
