-- The output index: uploads handed out to agents, and the lookups the index and its API make.

-- "The latest version of this path" (presign) and an instance's outputs.
create index outputs_instance_path_idx on outputs (instance_id, path, version desc);
-- The owner's list: newest first, paged by (created_at, id).
create index outputs_created_id_idx on outputs (created_at desc, id desc);

-- An upload the hub handed out and the agent has not confirmed yet: the version and key reserved for this
-- content of this path, and the multipart upload under way, so a retried presign gets the same plan (never a
-- second version or a second multipart upload for the same bytes). Deleted when the file is confirmed.
create table pending_output_uploads (
  instance_id uuid not null references instances (id) on delete cascade,
  path text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint not null check (size_bytes >= 0),
  version integer not null check (version > 0),
  storage_key text not null unique,
  upload_id text,
  part_size bigint check (part_size > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (instance_id, path, sha256),
  unique (instance_id, path, version)
);
