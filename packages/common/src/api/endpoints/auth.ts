import * as z from 'zod';
import { AuthState, LoginRequest, SetupRequest } from '../auth.js';
import { apiErrors, endpoint } from '../endpoint.js';
import { ListSecretsResponse, PutSecretRequest } from '../launch.js';
import { CreateApiTokenRequest, CreatedApiToken, ListApiTokensResponse } from '../tokens.js';
import { SecretNameParams, TokenIdParams } from './params.js';

const signInErrors = apiErrors(400, 401, 403, 409, 429);

/** `/api/auth/*`: setup with the one-time link, login, logout, and the state the web app starts from. */
export const authEndpoints = {
  state: endpoint({
    method: 'GET',
    path: '/api/auth/state',
    responses: { 200: AuthState },
    answer: 'json',
    auth: 'public',
    tags: ['auth'],
    summary: 'Whether setup is needed and who is logged in',
  }),
  setup: endpoint({
    method: 'POST',
    path: '/api/auth/setup',
    body: SetupRequest,
    responses: { 200: AuthState, ...signInErrors },
    answer: 'json',
    auth: 'public',
    tags: ['auth'],
    summary: 'Set the owner password with the setup link token',
  }),
  login: endpoint({
    method: 'POST',
    path: '/api/auth/login',
    body: LoginRequest,
    responses: { 200: AuthState, ...signInErrors },
    answer: 'json',
    auth: 'public',
    tags: ['auth'],
    summary: 'Log in as the owner; sets the session cookie',
  }),
  logout: endpoint({
    method: 'POST',
    path: '/api/auth/logout',
    responses: { 204: z.null(), ...apiErrors(401) },
    answer: 'empty',
    auth: 'owner',
    tags: ['auth'],
    summary: 'End this browser session',
  }),
};

/** `/api/tokens`: named API tokens for the CLI and scripts. */
export const tokensEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/api/tokens',
    responses: { 200: ListApiTokensResponse, ...apiErrors(401) },
    answer: 'json',
    auth: 'owner',
    tags: ['tokens'],
    summary: 'List API tokens (never their secret)',
  }),
  create: endpoint({
    method: 'POST',
    path: '/api/tokens',
    body: CreateApiTokenRequest,
    responses: { 201: CreatedApiToken, ...apiErrors(400, 401, 409) },
    answer: 'json',
    auth: 'owner',
    tags: ['tokens'],
    summary: 'Create an API token; its secret is in this answer only',
  }),
  revoke: endpoint({
    method: 'DELETE',
    path: '/api/tokens/:id',
    params: TokenIdParams,
    responses: { 204: z.null(), ...apiErrors(400, 401, 404) },
    answer: 'empty',
    auth: 'owner',
    tags: ['tokens'],
    summary: 'Revoke an API token (idempotent)',
  }),
};

const secretErrors = apiErrors(400, 401, 404);

/** `/api/secrets`: provider credentials, write-only (names and times are listed, values never). */
export const secretsEndpoints = {
  put: endpoint({
    method: 'PUT',
    path: '/api/secrets/:name',
    params: SecretNameParams,
    body: PutSecretRequest,
    responses: { 204: z.null(), ...secretErrors },
    answer: 'empty',
    auth: 'owner',
    tags: ['secrets'],
    summary: 'Store a credential (encrypted); replaces the old value',
  }),
  list: endpoint({
    method: 'GET',
    path: '/api/secrets',
    responses: { 200: ListSecretsResponse, ...apiErrors(401) },
    answer: 'json',
    auth: 'owner',
    tags: ['secrets'],
    summary: 'Names of the stored credentials (never their values)',
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/api/secrets/:name',
    params: SecretNameParams,
    responses: { 204: z.null(), ...secretErrors },
    answer: 'empty',
    auth: 'owner',
    tags: ['secrets'],
    summary: 'Forget a credential',
  }),
};
