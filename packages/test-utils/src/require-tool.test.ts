import { afterEach, describe, expect, it } from 'vitest';
import { interopSuiteMode, isCi, type ToolStatus } from './require-tool.ts';

const missing: ToolStatus[] = [{ tool: 'charon', available: false, reason: '/usr/lib/ipsec/charon not found' }];

describe('interop tool rule', () => {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });

  it('runs when nothing is missing, fails under CI, skips otherwise', () => {
    expect(interopSuiteMode([], true)).toBe('run');
    expect(interopSuiteMode([], false)).toBe('run');
    expect(interopSuiteMode(missing, true)).toBe('fail');
    expect(interopSuiteMode(missing, false)).toBe('skip');
  });

  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['1', true],
    ['true', true],
  ])('reads CI=%j as %s', (value, expected) => {
    if (value === undefined) delete process.env.CI;
    else process.env.CI = value;
    expect(isCi()).toBe(expected);
  });
});
