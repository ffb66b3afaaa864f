import * as z from 'zod';

const Timestamp = z.iso.datetime({ message: 'expected an ISO-8601 time with a Z offset' });

/** The idle policy in force for an instance and where it comes from. */
export const IdlePolicyView = z.object({
  minutes: z.number().int().positive(),
  action: z.enum(['stop', 'destroy']),
  /** `profile`: the profile's `idle:`; `override`: the owner's setting for this instance. */
  source: z.enum(['profile', 'override']),
  /** The owner turned idle stopping off for this instance (budgets still apply). */
  disabled: z.boolean(),
});
export type IdlePolicyView = z.infer<typeof IdlePolicyView>;

/** Why an instance is busy or idle, and when the idle action fires if nothing changes. */
export const ActivityView = z.object({
  busy: z.boolean(),
  /** Each signal that shows work, or (idle) what each signal shows. */
  reasons: z.array(z.string()),
  /** Last time a signal showed work (the idle clock starts here). */
  lastActivityAt: Timestamp.nullable(),
  /** When the idle action (stop or destroy) is due; null while busy-proof (disabled, kept awake, not running). */
  actionAt: Timestamp.nullable(),
  /** When the warning before the action went out, if it did. */
  warnedAt: Timestamp.nullable(),
  keepAwakeUntil: Timestamp.nullable(),
  policy: IdlePolicyView,
});
export type ActivityView = z.infer<typeof ActivityView>;

/** `POST /api/instances/:id/keep-awake`: keep the instance from idle stopping until `until` (null cancels). */
export const KeepAwakeRequest = z.object({
  until: Timestamp.nullable(),
});
export type KeepAwakeRequest = z.infer<typeof KeepAwakeRequest>;

/** Longest keep-awake the hub accepts: a forgotten one must still end. */
export const MAX_KEEP_AWAKE_HOURS = 7 * 24;

/**
 * `PUT /api/instances/:id/idle-policy`: the owner's override for one instance; fields left out keep the
 * profile's value. `DELETE` returns to the profile's policy.
 */
export const IdlePolicyOverride = z
  .object({
    minutes: z
      .number({ error: 'expected whole minutes from 1 to 1440' })
      .int('expected whole minutes from 1 to 1440')
      .min(1, 'expected whole minutes from 1 to 1440')
      .max(1440, 'expected whole minutes from 1 to 1440')
      .optional(),
    action: z.enum(['stop', 'destroy'], { error: 'expected an idle action: stop or destroy' }).optional(),
    disabled: z.boolean({ error: 'expected true or false' }).optional(),
  })
  .strict();
export type IdlePolicyOverride = z.infer<typeof IdlePolicyOverride>;
