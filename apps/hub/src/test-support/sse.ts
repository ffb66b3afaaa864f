// Reading Server-Sent Events in hub tests (the live feed).

export interface SseMessage {
  event: string;
  /** The message's `id:` field, if it has one. */
  id?: string | undefined;
  data: unknown;
}

/** Reads Server-Sent Events from a fetch answer, one message at a time. */
export function sseReader(res: Response) {
  const body = res.body;
  if (!body) throw new Error('no body');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const raw: string[] = [];

  async function nextBlock(deadline: number): Promise<string> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        raw.push(block);
        return block;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE message in time; got so far: ${JSON.stringify(raw)}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no SSE message in time: ${JSON.stringify(raw)}`)), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error(`the stream ended; got: ${JSON.stringify(raw)}`);
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  return {
    raw,
    /** The next message with an event (comments and `retry:` skipped) that `match` accepts. */
    async next(match: (m: SseMessage) => boolean = () => true, timeoutMs = 10_000): Promise<SseMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const block = await nextBlock(deadline);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        const data = lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (!event) continue;
        const message = { event, id, data: JSON.parse(data) as unknown };
        if (match(message)) return message;
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

export const waitFor = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
