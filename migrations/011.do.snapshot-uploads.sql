-- Models a snapshot found on an instance that the library did not hold: the instance's agent may upload
-- exactly these (by sha256, with this size) through the promotion routes, and nothing else beyond its profile.
create table snapshot_model_uploads (
  instance_id uuid not null references instances (id) on delete cascade,
  sha256 text not null,
  size_bytes bigint not null,
  name text not null,
  kind text not null,
  file_name text not null,
  path text not null,
  command_id uuid references agent_commands (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (instance_id, sha256)
);
