import * as z from 'zod';
import { apiErrors, endpoint } from '../endpoint.js';
import { ListFilesResponse, StartFileUploadRequest, StartFileUploadResponse } from '../files.js';
import {
  AddModelRequest,
  CompleteModelUploadRequest,
  ListModelsResponse,
  ModelSummary,
  PresignPartsRequest,
  PresignPartsResponse,
  StartModelUploadRequest,
  StartModelUploadResponse,
} from '../models.js';
import { FilePathParams, ModelShaParams } from './params.js';

const errors = apiErrors(400, 401, 404, 409);
const model = { auth: 'owner', tags: ['models'] } as const;

/** `/api/models`: the content-addressed model library. */
export const modelsEndpoints = {
  list: endpoint({
    ...model,
    method: 'GET',
    path: '/api/models',
    responses: { 200: ListModelsResponse, ...errors },
    answer: 'json',
    summary: 'List models with the profile versions that use them',
  }),
  get: endpoint({
    ...model,
    method: 'GET',
    path: '/api/models/:sha256',
    params: ModelShaParams,
    responses: { 200: ModelSummary, ...errors },
    answer: 'json',
    summary: 'One model',
  }),
  add: endpoint({
    ...model,
    method: 'POST',
    path: '/api/models',
    body: AddModelRequest,
    responses: { 200: ModelSummary, 201: ModelSummary, ...errors },
    answer: 'json',
    summary: 'Register a model by URL, fetched by the first agent that needs it',
  }),
  remove: endpoint({
    ...model,
    method: 'DELETE',
    path: '/api/models/:sha256',
    params: ModelShaParams,
    responses: { 204: z.null(), ...errors },
    answer: 'empty',
    summary: 'Delete a model and its bytes (refused while a profile uses it)',
  }),
  startUpload: endpoint({
    ...model,
    method: 'POST',
    path: '/api/models/uploads',
    body: StartModelUploadRequest,
    responses: { 200: StartModelUploadResponse, ...errors },
    answer: 'json',
    summary: 'Start or resume pushing a file (or learn that the library already has it)',
  }),
  uploadParts: endpoint({
    ...model,
    method: 'POST',
    path: '/api/models/:sha256/upload/parts',
    params: ModelShaParams,
    body: PresignPartsRequest,
    responses: { 200: PresignPartsResponse, ...errors },
    answer: 'json',
    summary: 'Presigned URLs to PUT parts of the upload under way',
  }),
  completeUpload: endpoint({
    ...model,
    method: 'POST',
    path: '/api/models/:sha256/upload/complete',
    params: ModelShaParams,
    body: CompleteModelUploadRequest,
    responses: { 200: ModelSummary, ...errors },
    answer: 'json',
    summary: 'Finish the upload: the parts with their ETags',
  }),
  abortUpload: endpoint({
    ...model,
    method: 'DELETE',
    path: '/api/models/:sha256/upload',
    params: ModelShaParams,
    responses: { 204: z.null(), ...errors },
    answer: 'empty',
    summary: 'Abandon the upload under way',
  }),
};

const fileErrors = apiErrors(400, 401);
const file = { auth: 'owner', tags: ['files'] } as const;

/** `/api/files`: the owner's files in storage (`files/<path>`), referenced by profiles' `files[].storage`. */
export const filesEndpoints = {
  list: endpoint({
    ...file,
    method: 'GET',
    path: '/api/files',
    responses: { 200: ListFilesResponse, ...fileErrors },
    answer: 'json',
    summary: 'List the files under files/ in storage',
  }),
  startUpload: endpoint({
    ...file,
    method: 'POST',
    path: '/api/files/uploads',
    body: StartFileUploadRequest,
    responses: { 200: StartFileUploadResponse, ...fileErrors },
    answer: 'json',
    summary: 'A presigned PUT to store a file as files/<path> (replacing any previous one)',
  }),
  remove: endpoint({
    ...file,
    method: 'DELETE',
    path: '/api/files/*',
    params: FilePathParams,
    responses: { 204: z.null(), ...fileErrors },
    answer: 'empty',
    summary: 'Delete files/<path> (no error when it does not exist)',
  }),
};
