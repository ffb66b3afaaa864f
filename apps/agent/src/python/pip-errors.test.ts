import { describe, expect, it } from 'vitest';
import { pipFailureReason } from './pip-errors.js';

describe('pipFailureReason', () => {
  it("keeps pip's own ERROR lines and drops the noise around them", () => {
    const stderr = [
      'WARNING: Retrying (Retry(total=4)) after connection broken',
      'ERROR: Could not find a version that satisfies the requirement nope>=9 (from versions: none)',
      'ERROR: No matching distribution found for nope>=9',
      '',
      '[notice] A new release of pip is available: 23.2.1 -> 24.3.1',
    ].join('\n');
    expect(pipFailureReason(stderr)).toBe(
      'ERROR: Could not find a version that satisfies the requirement nope>=9 (from versions: none)\nERROR: No matching distribution found for nope>=9',
    );
  });

  it('falls back to the last lines of stderr, then stdout, then the exit code', () => {
    expect(pipFailureReason('a\nb\nc\nd\nTraceback…\nValueError: boom\n')).toBe(
      'c\nd\nTraceback…\nValueError: boom',
    );
    expect(pipFailureReason('', 'printed on stdout\n')).toBe('printed on stdout');
    expect(pipFailureReason('', '', 3)).toBe('exited with code 3');
  });
});
