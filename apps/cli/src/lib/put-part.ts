import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PutResult {
  status: number;
  etag: string | null;
  body: string;
}

/**
 * PUTs one buffer to a presigned URL over a keep-alive connection pool. Plain node:http rather than fetch:
 * no web-stream layer between the buffer and the socket, which matters when the CPU is the bottleneck.
 */
export class PartUploader {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(connections: number) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets: connections });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: connections });
  }

  put(url: string, body: Buffer, signal?: AbortSignal): Promise<PutResult> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: 'PUT',
          agent: secure ? this.https : this.http,
          headers: { 'content-length': body.length },
          signal,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 4096) text += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, etag: (res.headers.etag as string) ?? null, body: text }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
