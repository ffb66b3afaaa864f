import * as z from 'zod';
import { apiErrors, endpoint } from '../endpoint.js';
import {
  CreateNotificationTarget,
  ListNotificationTargetsResponse,
  NotificationTarget,
  NotificationTargetIdParams,
  NotificationTestResponse,
  UpdateNotificationTarget,
} from '../notifications.js';

const notify = { auth: 'owner', tags: ['notifications'] } as const;

/** `/api/notifications/targets`: webhooks told of what happens (URLs are secrets: never answered whole). */
export const notificationsEndpoints = {
  list: endpoint({
    ...notify,
    method: 'GET',
    path: '/api/notifications/targets',
    responses: { 200: ListNotificationTargetsResponse, ...apiErrors(401) },
    answer: 'json',
    summary: 'Notification targets with their last delivery and last error (URLs masked)',
  }),
  create: endpoint({
    ...notify,
    method: 'POST',
    path: '/api/notifications/targets',
    body: CreateNotificationTarget,
    responses: { 201: NotificationTarget, ...apiErrors(400, 401, 409) },
    answer: 'json',
    summary: 'Add a webhook target (generic JSON, Slack or Discord) and the events it gets',
  }),
  update: endpoint({
    ...notify,
    method: 'PUT',
    path: '/api/notifications/targets/:id',
    params: NotificationTargetIdParams,
    body: UpdateNotificationTarget,
    responses: { 200: NotificationTarget, ...apiErrors(400, 401, 404, 409) },
    answer: 'json',
    summary: "Change a target's name, format, URL or events",
  }),
  remove: endpoint({
    ...notify,
    method: 'DELETE',
    path: '/api/notifications/targets/:id',
    params: NotificationTargetIdParams,
    responses: { 204: z.null(), ...apiErrors(400, 401, 404, 409) },
    answer: 'empty',
    summary: 'Delete a target',
  }),
  test: endpoint({
    ...notify,
    method: 'POST',
    path: '/api/notifications/targets/:id/test',
    params: NotificationTargetIdParams,
    responses: { 200: NotificationTestResponse, ...apiErrors(400, 401, 404) },
    answer: 'json',
    summary: 'Send a test notice now and answer how its delivery went',
  }),
};
