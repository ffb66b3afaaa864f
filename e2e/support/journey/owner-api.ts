export interface Answer<T> {
  status: number;
  body: T;
}

/** A hub that does not answer within this fails the cell rather than hanging the column. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The owner's API at `baseUrl` with an API token: JSON in and out. */
export function ownerApi(baseUrl: string, token: string) {
  const api = async <T>(method: string, route: string, body?: unknown): Promise<Answer<T>> => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  /** As `api`, throwing with the hub's answer unless 2xx. */
  const ok = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const answer = await api<T>(method, route, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  /** Applies a profile from its YAML. */
  const putProfile = async (name: string, yaml: string) => {
    const res = await fetch(`${baseUrl}/api/profiles/${name}`, {
      method: 'PUT',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      body: yaml,
    });
    if (res.status >= 300) throw new Error(`profile ${name}: ${res.status} ${await res.text()}`);
  };
  return { api, ok, putProfile };
}
