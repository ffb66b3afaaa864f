import * as z from 'zod';
import { apiErrors, endpoint } from '../endpoint.js';
import {
  DeleteOutputsRequest,
  DeleteOutputsResponse,
  ListOutputsQuery,
  ListOutputsResponse,
  OutputSummary,
  OutputUrlsResponse,
  RestoreOutputsRequest,
  RestoreOutputsResponse,
  ZipOutputsRequest,
  ZipOutputsResponse,
  ZipTicketParams,
} from '../outputs.js';
import { OutputIdParams } from './params.js';

const errors = apiErrors(400, 401, 404);
const output = { auth: 'owner', tags: ['outputs'] } as const;

/** `/api/outputs`: every file the instances produced, searchable, with download URLs. */
export const outputsEndpoints = {
  list: endpoint({
    ...output,
    method: 'GET',
    path: '/api/outputs',
    query: ListOutputsQuery,
    responses: { 200: ListOutputsResponse, ...errors },
    answer: 'json',
    summary:
      'List outputs, newest first; filter by instance, profile, time (since ≤ created < until), path, words',
  }),
  get: endpoint({
    ...output,
    method: 'GET',
    path: '/api/outputs/:id',
    params: OutputIdParams,
    responses: { 200: OutputSummary, ...errors },
    answer: 'json',
    summary: 'One output',
  }),
  urls: endpoint({
    ...output,
    method: 'GET',
    path: '/api/outputs/:id/urls',
    params: OutputIdParams,
    responses: { 200: OutputUrlsResponse, ...errors },
    answer: 'json',
    summary: 'Presigned download URLs for the file and its thumbnail',
  }),
  remove: endpoint({
    ...output,
    method: 'POST',
    path: '/api/outputs/delete',
    body: DeleteOutputsRequest,
    responses: { 200: DeleteOutputsResponse, ...errors },
    answer: 'json',
    summary: "Move outputs (by id, or a filter's result) to the trash; restorable for the grace period",
  }),
  zip: endpoint({
    ...output,
    method: 'POST',
    path: '/api/outputs/zip',
    body: ZipOutputsRequest,
    responses: { 200: ZipOutputsResponse, ...errors },
    answer: 'json',
    summary: 'A short-lived link that downloads the outputs as one zip, streamed by the hub',
  }),
  /** The zip itself: the ticket in the path is the authorisation (a browser download sends no header). */
  zipDownload: endpoint({
    auth: 'public',
    tags: ['outputs'],
    method: 'GET',
    path: '/api/outputs/zip/:ticket',
    params: ZipTicketParams,
    responses: { 200: z.unknown(), ...apiErrors(400, 404) },
    answer: 'zip',
    summary: 'Download a zip made by POST /api/outputs/zip (until it expires)',
  }),
  restore: endpoint({
    ...output,
    method: 'POST',
    path: '/api/outputs/restore',
    body: RestoreOutputsRequest,
    responses: { 200: RestoreOutputsResponse, ...errors },
    answer: 'json',
    summary: 'Take outputs back out of the trash',
  }),
};
