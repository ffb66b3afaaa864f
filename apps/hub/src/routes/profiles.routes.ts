import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ProfilesService } from '../services/library/profiles.service.js';
import { route } from './route.js';

const api = endpoints.profiles;

/** `/api/profiles`: versioned, validated environments; YAML in, canonical YAML out. */
export const profilesRoutes: FastifyPluginAsyncZod<{ profiles: ProfilesService }> = async (
  app,
  { profiles },
) => {
  // The YAML itself may be the body, so `curl --data-binary @p.yaml -H 'content-type: application/yaml'` works.
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, { yaml: body }),
  );

  route(app, api.list, async () => ({ profiles: await profiles.list() }));

  route(app, api.apply, async (request, reply) => {
    const result = await profiles.apply(request.params.name, request.body.yaml);
    return reply.code(result.created ? 201 : 200).send(result);
  });

  route(app, api.get, async (request) => profiles.get(request.params.name, request.query.version ?? null));

  route(app, api.yaml, async (request, reply) => {
    const detail = await profiles.get(request.params.name, request.query.version ?? null);
    return reply.type('application/yaml; charset=utf-8').send(detail.yaml);
  });

  route(app, api.versions, async (request) => profiles.versions(request.params.name));

  route(app, api.diff, async (request) =>
    profiles.diff(request.params.name, request.query.from, request.query.to),
  );

  route(app, api.remove, async (request, reply) => {
    await profiles.remove(request.params.name);
    return reply.code(204).send(null);
  });
};
