/** DTOs carry ISO-8601 strings; the database hands back Date objects. */
export const iso = (value: Date): string => value.toISOString();
export const isoOrNull = (value: Date | null): string | null => (value ? value.toISOString() : null);
