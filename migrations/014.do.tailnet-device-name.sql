-- The agent's full MagicDNS name (`podpilot-<id>.<tailnet>.ts.net`) as the Tailscale API reports it, read when the
-- agent registers: links to the WebUI use it, since a single-label name depends on the viewer's DNS search domains.
alter table instance_tailscale add column device_name text;
