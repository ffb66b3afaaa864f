import * as z from 'zod';

// The `:id` path parameters: apart from params.ts, whose other schemas need the profile's and models' modules.

/** `:id` of an instance. */
export const InstanceIdParams = z.object({ id: z.uuid({ message: 'expected an instance id (UUID)' }) });
/** `:id` of an output. */
export const OutputIdParams = z.object({ id: z.uuid({ message: 'expected an output id (UUID)' }) });
/** `:id` of an API token. */
export const TokenIdParams = z.object({ id: z.uuid({ message: 'expected a token id (UUID)' }) });
