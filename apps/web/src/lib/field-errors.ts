/** An issue as the hub sends it: `path` like `body.url`, or `url` from a client-side check. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The first message per form field, for errors shown under each input. `body.url` and `url` both land on
 * `url`; nested paths keep their first segment (`body.parts.0.etag` → `parts`). Issues that name no field
 * are returned apart, to show above the form.
 */
export function fieldErrors(issues: readonly FieldIssue[]): {
  fields: Record<string, string>;
  other: string[];
} {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const segments = issue.path.split('.').filter(Boolean);
    if (segments[0] === 'body' || segments[0] === 'querystring' || segments[0] === 'params') segments.shift();
    const field = segments[0];
    const message = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
    if (!field) other.push(message);
    else fields[field] ??= message;
  }
  return { fields, other };
}

/** The leading `field: ` of a hub message (409s name the field that way: "kind: this sha256 is …"). */
export function fieldOfMessage(message: string, known: readonly string[]): string | null {
  const match = /^([a-zA-Z]+):\s/.exec(message);
  return match?.[1] && known.includes(match[1]) ? match[1] : null;
}
