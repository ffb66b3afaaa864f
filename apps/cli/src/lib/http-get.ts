import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/**
 * Plain `GET`s over keep-alive agents this object owns, so `close()` really ends every connection (the
 * global `fetch` keeps its pool open behind the process's back). Bodies stream; a socket idle for
 * `idleTimeoutMs` (before or during the body) fails the request.
 */
export class HttpGetter {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  constructor(private readonly idleTimeoutMs = 60_000) {}

  get(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return Promise.reject(new Error(`cannot download from a ${target.protocol} URL`));
    const agent = this.agents[target.protocol];
    const get = target.protocol === 'https:' ? https.get : http.get;
    return new Promise((resolve, reject) => {
      const req = get(target, { agent, headers, timeout: this.idleTimeoutMs }, resolve);
      req.on('timeout', () =>
        req.destroy(new Error(`no data from ${target.host} for ${this.idleTimeoutMs / 1000} s`)),
      );
      req.on('error', reject);
    });
  }

  /** Ends every connection, idle or not. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

/** The first bytes of an error answer, for the message (the rest is dropped). */
export async function errorText(res: IncomingMessage, max = 2000): Promise<string> {
  let text = '';
  try {
    for await (const chunk of res) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length >= max) break;
    }
  } catch {
    // The message is best effort.
  }
  res.destroy();
  const s3Message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (s3Message) return s3Message;
  try {
    const json = JSON.parse(text) as { error?: { message?: string }; message?: string };
    const message = json.error?.message ?? json.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON.
  }
  return text.slice(0, 200).trim();
}
