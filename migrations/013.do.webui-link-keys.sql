-- The per-instance HMAC-SHA256 key of the one-time WebUI links (docs/security.md, "The way in"): made at agent
-- registration, handed to the agent, used by the hub to sign links its proxy trades for a session cookie.
create table webui_link_keys (
  instance_id uuid primary key references instances(id) on delete cascade,
  link_key bytea not null,
  created_at timestamptz not null default now()
);
