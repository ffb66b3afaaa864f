import * as z from 'zod';

/** Browsers cannot add this header cross-site without a CORS pre-flight the hub never grants. */
export const CSRF_HEADER = 'x-podpilot-csrf';
export const SESSION_COOKIE = 'podpilot_session';
export const API_TOKEN_PREFIX = 'pp_';

export const Password = z
  .string()
  .min(12, 'expected at least 12 characters')
  .max(1024, 'expected at most 1024 characters');

/** `POST /api/auth/setup`: the one-time token from the setup link plus the owner's new password. */
export const SetupRequest = z.object({
  token: z.string().min(1, 'expected the token from the setup link'),
  password: Password,
});
export type SetupRequest = z.infer<typeof SetupRequest>;

/** `POST /api/auth/login`. */
export const LoginRequest = z.object({
  password: z.string().min(1, 'expected a password'),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const User = z.object({
  id: z.string(),
  username: z.string(),
});
export type User = z.infer<typeof User>;

/** `GET /api/auth/state`: what the web app needs to pick setup, login or dashboard. */
export const AuthState = z.object({
  setupRequired: z.boolean(),
  user: User.nullable(),
});
export type AuthState = z.infer<typeof AuthState>;
