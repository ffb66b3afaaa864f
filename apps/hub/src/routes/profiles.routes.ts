import {
  ApiError,
  ApplyProfileRequest,
  ApplyProfileResponse,
  ListProfilesResponse,
  ListProfileVersionsResponse,
  ProfileDiffResponse,
  ProfileName,
  ProfileVersionDetail,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProfilesService } from '../services/library/profiles.service.js';

const VersionNumber = z.coerce
  .number({ message: 'expected a version number (1, 2, …)' })
  .int('expected a version number (1, 2, …)')
  .min(1, 'expected a version number (1, 2, …)');
const NameParams = z.object({ name: ProfileName });
const errors = { 400: ApiError, 401: ApiError, 404: ApiError, 409: ApiError };

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

  app.get(
    '/api/profiles',
    {
      schema: {
        tags: ['profiles'],
        summary: 'List profiles with their latest version',
        response: { 200: ListProfilesResponse, ...errors },
      },
    },
    async () => ({ profiles: await profiles.list() }),
  );

  app.put(
    '/api/profiles/:name',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Create or update a profile from YAML; a new version only when the content changed',
        params: NameParams,
        body: ApplyProfileRequest,
        response: { 200: ApplyProfileResponse, 201: ApplyProfileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const result = await profiles.apply(request.params.name, request.body.yaml);
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  const versionQuery = z.object({ version: VersionNumber.optional() });

  app.get(
    '/api/profiles/:name',
    {
      schema: {
        tags: ['profiles'],
        summary: 'One version of a profile (the latest unless ?version=N)',
        params: NameParams,
        querystring: versionQuery,
        response: { 200: ProfileVersionDetail, ...errors },
      },
    },
    async (request) => profiles.get(request.params.name, request.query.version ?? null),
  );

  app.get(
    '/api/profiles/:name/yaml',
    {
      schema: {
        tags: ['profiles'],
        summary: 'The canonical YAML of one version, byte for byte as stored (export)',
        params: NameParams,
        querystring: versionQuery,
      },
    },
    async (request, reply) => {
      const detail = await profiles.get(request.params.name, request.query.version ?? null);
      return reply.type('application/yaml; charset=utf-8').send(detail.yaml);
    },
  );

  app.get(
    '/api/profiles/:name/versions',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Every version of a profile',
        params: NameParams,
        response: { 200: ListProfileVersionsResponse, ...errors },
      },
    },
    async (request) => profiles.versions(request.params.name),
  );

  app.get(
    '/api/profiles/:name/diff',
    {
      schema: {
        tags: ['profiles'],
        summary: 'What changed between two versions: structured changes and a unified diff',
        params: NameParams,
        querystring: z.object({ from: VersionNumber, to: VersionNumber }),
        response: { 200: ProfileDiffResponse, ...errors },
      },
    },
    async (request) => profiles.diff(request.params.name, request.query.from, request.query.to),
  );

  app.delete(
    '/api/profiles/:name',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Delete a profile (refused while an instance uses it); its versions stay for history',
        params: NameParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await profiles.remove(request.params.name);
      return reply.code(204).send(null);
    },
  );
};
