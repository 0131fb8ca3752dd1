import { describe, expect, it } from 'vitest';
import { requestIdFrom } from './request-id';

describe('requestIdFrom', () => {
  it('keeps a well-formed incoming id', () => {
    expect(requestIdFrom('req-0123456789abcdef')).toBe('req-0123456789abcdef');
  });

  it('replaces a missing, short, long, repeated or malformed id with a new UUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const bad of [
      null,
      undefined,
      '',
      'short',
      'x'.repeat(129),
      'has space in it',
      'new\nline-injected',
      '<script>alert(1)</script>',
      ['a-valid-id-1', 'a-valid-id-2'],
    ]) {
      expect(requestIdFrom(bad)).toMatch(uuid);
    }
  });
});
