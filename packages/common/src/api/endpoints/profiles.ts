import * as z from 'zod';
import { apiErrors, endpoint } from '../endpoint.js';
import {
  ApplyProfileRequest,
  ApplyProfileResponse,
  ListProfilesResponse,
  ListProfileVersionsResponse,
  ProfileDiffResponse,
  ProfileVersionDetail,
} from '../profiles.js';
import { ProfileDiffQuery, ProfileNameParams, ProfileVersionQuery } from './params.js';

const errors = apiErrors(400, 401, 404, 409);
const profile = { auth: 'owner', tags: ['profiles'] } as const;

/** `/api/profiles`: versioned, validated environments; YAML in, canonical YAML out. */
export const profilesEndpoints = {
  list: endpoint({
    ...profile,
    method: 'GET',
    path: '/api/profiles',
    responses: { 200: ListProfilesResponse, ...errors },
    answer: 'json',
    summary: 'List profiles with their latest version',
  }),
  /** The body is `{ yaml }`, or the YAML itself with a YAML (or text/plain) content type. */
  apply: endpoint({
    ...profile,
    method: 'PUT',
    path: '/api/profiles/:name',
    params: ProfileNameParams,
    body: ApplyProfileRequest,
    responses: { 200: ApplyProfileResponse, 201: ApplyProfileResponse, ...errors },
    answer: 'json',
    summary: 'Create or update a profile from YAML; a new version only when the content changed',
  }),
  get: endpoint({
    ...profile,
    method: 'GET',
    path: '/api/profiles/:name',
    params: ProfileNameParams,
    query: ProfileVersionQuery,
    responses: { 200: ProfileVersionDetail, ...errors },
    answer: 'json',
    summary: 'One version of a profile (the latest unless ?version=N)',
  }),
  yaml: endpoint({
    ...profile,
    method: 'GET',
    path: '/api/profiles/:name/yaml',
    params: ProfileNameParams,
    query: ProfileVersionQuery,
    responses: {},
    answer: 'text',
    summary: 'The canonical YAML of one version, byte for byte as stored (export)',
  }),
  versions: endpoint({
    ...profile,
    method: 'GET',
    path: '/api/profiles/:name/versions',
    params: ProfileNameParams,
    responses: { 200: ListProfileVersionsResponse, ...errors },
    answer: 'json',
    summary: 'Every version of a profile',
  }),
  diff: endpoint({
    ...profile,
    method: 'GET',
    path: '/api/profiles/:name/diff',
    params: ProfileNameParams,
    query: ProfileDiffQuery,
    responses: { 200: ProfileDiffResponse, ...errors },
    answer: 'json',
    summary: 'What changed between two versions: structured changes and a unified diff',
  }),
  remove: endpoint({
    ...profile,
    method: 'DELETE',
    path: '/api/profiles/:name',
    params: ProfileNameParams,
    responses: { 204: z.null(), ...errors },
    answer: 'empty',
    summary: 'Delete a profile (refused while an instance uses it); its versions stay for history',
  }),
};
