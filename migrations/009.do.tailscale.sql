-- Tailscale per instance: the auth key minted for its launch (revoked once the agent registered) and the
-- device the agent became in the tailnet (deleted when the instance stops or is destroyed). Key texts are
-- never stored: the key travels once, in the launch's environment.
create table instance_tailscale (
  instance_id uuid primary key references instances (id) on delete cascade,
  hostname text not null,
  key_id text,
  key_expires_at timestamptz,
  key_revoked_at timestamptz,
  device_id text,
  updated_at timestamptz not null default now()
);
create index instance_tailscale_unrevoked_idx on instance_tailscale (instance_id)
  where key_id is not null and key_revoked_at is null;
