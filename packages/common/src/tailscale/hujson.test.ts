import { describe, expect, it } from 'vitest';
import { HuJsonError, parseHuJson } from './hujson.js';

describe('parseHuJson', () => {
  it('reads comments and trailing commas', () => {
    const text = `// leading comment
{
  /* block
     comment */
  "a": [1, 2, 3,], // after a value
  "b": {"c": true,},
}
`;
    expect(parseHuJson(text)).toEqual({ a: [1, 2, 3], b: { c: true } });
  });

  it('leaves comment markers inside strings alone', () => {
    expect(
      parseHuJson('{"url": "http://hub:7300//x", "glob": "/* not a comment */", "q": "say \\"//\\"", }'),
    ).toEqual({ url: 'http://hub:7300//x', glob: '/* not a comment */', q: 'say "//"' });
  });

  it('refuses broken text with the place of the first problem, never a half-read value', () => {
    expect(() => parseHuJson('{\n  "a": ,\n}')).toThrow(HuJsonError);
    expect(() => parseHuJson('{\n  "a": ,\n}')).toThrow(
      /^invalid HuJSON at line 2, column 8: ValueExpected$/,
    );
    expect(() => parseHuJson('{"a": 1')).toThrow(HuJsonError);
    expect(() => parseHuJson('{"a": 1 /* open')).toThrow(HuJsonError);
    expect(() => parseHuJson('')).toThrow(HuJsonError);
  });
});
