import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './app.js';
import type { Db } from './db/db.js';
import type { HubServices } from './hub-services.js';
import { agentRoutes } from './routes/agent.routes.js';
import { agentOutputsRoutes } from './routes/agent-outputs.routes.js';
import { agentSnapshotRoutes } from './routes/agent-snapshot.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { costsRoutes } from './routes/costs.routes.js';
import { filesRoutes } from './routes/files.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { idleRoutes } from './routes/idle.routes.js';
import { instancesRoutes } from './routes/instances.routes.js';
import { lifecycleRoutes } from './routes/lifecycle.routes.js';
import { liveRoutes } from './routes/live.routes.js';
import { modelsRoutes } from './routes/models.routes.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { outputsRoutes } from './routes/outputs.routes.js';
import { profilesRoutes } from './routes/profiles.routes.js';
import { secretsRoutes } from './routes/secrets.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { snapshotsRoutes } from './routes/snapshots.routes.js';
import { tailscaleRoutes } from './routes/tailscale.routes.js';
import { tokensRoutes } from './routes/tokens.routes.js';
import { webuiLinkRoutes } from './routes/webui-link.routes.js';

/** Registers every route file of the hub (`/health`, `/api/*`, `/agent/v1/*`) on `app`, each with its services. */
export async function registerRoutes(
  app: FastifyInstance,
  config: AppConfig,
  db: Db,
  s: HubServices,
): Promise<void> {
  await app.register(healthRoutes, { db });
  await app.register(authRoutes, {
    auth: s.auth,
    secureCookies: config.publicUrl?.startsWith('https:') ?? false,
    loginMaxPerMinute: config.loginMaxPerMinute,
    tailscaleOwner: config.tailscaleOwner,
  });
  await app.register(tokensRoutes, { apiTokens: s.apiTokens });
  await app.register(instancesRoutes, { instances: s.instances });
  await app.register(webuiLinkRoutes, { webuiLinks: s.webuiLinks });
  await app.register(profilesRoutes, { profiles: s.profiles });
  await app.register(modelsRoutes, { models: s.models });
  await app.register(filesRoutes, { files: s.files });
  await app.register(agentRoutes, { agents: s.agents });
  await app.register(agentOutputsRoutes, { agents: s.agents, outputs: s.outputs });
  await app.register(agentSnapshotRoutes, { agents: s.agents, snapshots: s.snapshots });
  await app.register(snapshotsRoutes, { snapshots: s.snapshots });
  await app.register(outputsRoutes, { outputs: s.outputs });
  await app.register(secretsRoutes, { secrets: s.secrets });
  await app.register(lifecycleRoutes, { lifecycle: s.lifecycle, offers: s.offers });
  await app.register(idleRoutes, { idle: s.idle, instances: s.instances });
  await app.register(costsRoutes, { costs: s.costs, budgets: s.budgets });
  await app.register(tailscaleRoutes, { tailscale: s.tailscale, secrets: s.secrets, hubPort: config.port });
  await app.register(settingsRoutes, { storage: config.storage });
  await app.register(notificationsRoutes, { notifications: s.notifications });
  await app.register(liveRoutes, {
    feed: s.live,
    history: s.history,
    instances: s.instances,
    credentials: { auth: s.auth, apiTokens: s.apiTokens },
  });
}
