import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/**
 * Asks `question` on `output` and reads one line from the terminal `input` without echoing it (a token or a
 * password stays off the screen and out of terminal recordings): readline edits the line as usual, but its
 * echo goes to a stream that drops everything.
 */
export async function askHidden(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  output.write(question);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: silent, terminal: true });
  try {
    return (await rl.question('')).trim();
  } finally {
    rl.close();
    output.write('\n');
  }
}
