-- PodPilot core schema. Shipped migrations are never edited: add a new NNN.do.name.sql instead.
-- Runs on PostgreSQL 15+ and on PGlite. Ids are UUIDs made by the database; times are timestamptz.

-- People and their access --------------------------------------------------------------------

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique,
  password_hash text not null,
  role text not null default 'owner' check (role in ('owner')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Browser sessions; the cookie holds the token, the table only its SHA-256.
create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

-- The one-time link printed at first start to set the owner password.
create table setup_tokens (
  token_hash text primary key,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

-- Named tokens for the CLI and scripts; shown once, stored hashed, revocable.
create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  token_prefix text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create unique index api_tokens_live_name_idx on api_tokens (user_id, name) where revoked_at is null;

-- Settings and secrets ---------------------------------------------------------------------------

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

-- Provider, storage and model-site credentials, AES-256-GCM encrypted by the hub.
create table secrets (
  name text primary key,
  ciphertext bytea not null,
  nonce bytea not null,
  key_id text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Profiles: named, with immutable versions ---------------------------------------------------------

create table profiles (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table profile_versions (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references profiles (id) on delete restrict,
  version integer not null check (version > 0),
  spec jsonb not null,
  yaml text not null,
  content_sha256 text not null,
  origin text not null default 'user' check (origin in ('user', 'snapshot', 'import')),
  snapshot_of_instance_id uuid,
  created_at timestamptz not null default now(),
  unique (profile_id, version)
);

-- Models, content-addressed --------------------------------------------------------------------------

create table models (
  id uuid primary key default gen_random_uuid(),
  sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
  name text not null,
  kind text not null check (kind in ('checkpoint', 'lora', 'vae', 'embedding', 'controlnet', 'upscaler', 'other')),
  size_bytes bigint check (size_bytes >= 0),
  file_name text,
  storage_key text,
  source_url text,
  status text not null default 'pending' check (status in ('pending', 'uploading', 'available', 'failed')),
  status_reason text,
  created_at timestamptz not null default now(),
  verified_at timestamptz
);

-- Instances and their lifecycle -------------------------------------------------------------------

create table instances (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  provider text not null,
  provider_instance_id text,
  idempotency_key text unique,
  profile_version_id uuid references profile_versions (id) on delete restrict,
  state text not null default 'requested' check (state in (
    'requested', 'launching', 'booting', 'provisioning', 'ready', 'idle',
    'stopping', 'stopped', 'destroyed', 'failed')),
  state_reason text,
  state_changed_at timestamptz not null default now(),
  offer jsonb,
  gpu_name text,
  gpu_count integer,
  price_per_hour numeric(12, 6),
  cost_accrued numeric(14, 6) not null default 0,
  webui_url text,
  idle_policy jsonb,
  keep_awake_until timestamptz,
  last_heartbeat_at timestamptz,
  last_activity_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (provider, provider_instance_id)
);
create index instances_state_idx on instances (state);

-- Every state change with its cause: the instance's timeline.
create table instance_transitions (
  id bigint generated always as identity primary key,
  instance_id uuid not null references instances (id) on delete cascade,
  from_state text,
  to_state text not null,
  cause text not null,
  detail jsonb,
  at timestamptz not null default now()
);
create index instance_transitions_instance_idx on instance_transitions (instance_id, at);

-- Bootstrap tokens (one-time, per launch) and agent tokens (scoped to one instance).
create table agent_credentials (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references instances (id) on delete cascade,
  kind text not null check (kind in ('bootstrap', 'agent')),
  token_hash text not null unique,
  agent_version text,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  used_at timestamptz,
  revoked_at timestamptz
);
create index agent_credentials_instance_idx on agent_credentials (instance_id);

-- Outputs: every file an instance produced, by version ------------------------------------------

create table outputs (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references instances (id) on delete restrict,
  path text not null,
  version integer not null default 1 check (version > 0),
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  mtime timestamptz,
  storage_key text not null,
  content_type text,
  thumbnail_key text,
  metadata jsonb,
  search_text text,
  created_at timestamptz not null default now(),
  unique (instance_id, path, version)
);
create index outputs_created_idx on outputs (created_at);
create index outputs_sha256_idx on outputs (sha256);

-- Events: progress, warnings and errors from agents and the hub's jobs -------------------------

create table events (
  id bigint generated always as identity primary key,
  instance_id uuid references instances (id) on delete cascade,
  source text not null check (source in ('hub', 'agent')),
  level text not null check (level in ('debug', 'info', 'warn', 'error')),
  kind text not null,
  message text not null,
  data jsonb,
  at timestamptz not null default now()
);
create index events_instance_idx on events (instance_id, at);
create index events_at_idx on events (at);
