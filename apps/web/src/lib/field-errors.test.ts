import { describe, expect, it } from 'vitest';
import { fieldErrors, fieldOfMessage } from './field-errors';

describe('fieldErrors', () => {
  it('maps hub paths onto form fields, first message wins', () => {
    expect(
      fieldErrors([
        { path: 'body.url', message: 'expected an http(s) URL' },
        { path: 'body.url', message: 'second' },
        { path: 'name', message: 'expected a name' },
        { path: 'body.parts.0.etag', message: 'bad' },
        { path: '', message: 'whole body is wrong' },
        { path: 'body', message: 'expected an object' },
      ]),
    ).toEqual({
      fields: { url: 'Expected an http(s) URL', name: 'Expected a name', parts: 'Bad' },
      other: ['Whole body is wrong', 'Expected an object'],
    });
  });
});

describe('fieldOfMessage', () => {
  it('finds a known field named at the start of a message', () => {
    expect(fieldOfMessage('kind: this sha256 is already registered as a lora', ['kind', 'url'])).toBe('kind');
    expect(fieldOfMessage('model x is used by profile version(s) a@1', ['kind'])).toBeNull();
    expect(fieldOfMessage('parts: expected all 3 parts', ['kind'])).toBeNull();
  });
});
