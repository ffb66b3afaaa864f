import type { ParseError } from 'jsonc-parser';
import * as jsoncModule from 'jsonc-parser';

// jsonc-parser ships UMD for Node (whose named exports Node cannot detect: they sit under `default`) and ESM
// for bundlers (named exports, no `default`): take whichever this runtime gave. Read through Reflect so a
// bundler does not warn that the ESM build has no `default`.
const jsonc: typeof jsoncModule =
  (Reflect.get(jsoncModule, 'default') as typeof jsoncModule | undefined) ?? jsoncModule;

/** HuJSON text that is not valid (the message says where and what). */
export class HuJsonError extends Error {
  override name = 'HuJsonError';
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * Parses HuJSON (JSON plus `//` and `/* *\/` comments and trailing commas, as Tailscale policy files are
 * written) into a value. Throws HuJsonError at the first problem: unlike jsonc-parser's own lenient result,
 * nothing half-read is ever returned.
 */
export function parseHuJson(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = jsonc.parse(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first)
    throw new HuJsonError(
      `invalid HuJSON at ${position(text, first.offset)}: ${jsonc.printParseErrorCode(first.error)}`,
    );
  return value;
}
