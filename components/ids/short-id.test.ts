import { describe, expect, it } from 'vitest';
import { shortId } from './short-id';

describe('shortId', () => {
  it('keeps the end of a long Klarna id, where ids differ, and cuts the shared prefix in the middle', () => {
    const a = shortId('krn:partner:global:account:live:LWT2XJSW');
    const b = shortId('krn:partner:global:account:live:QPX81ZZA');
    expect(a).toBe('krn:partn…:live:LWT2XJSW');
    expect(a).toHaveLength(24);
    expect(a.endsWith('LWT2XJSW')).toBe(true);
    expect(a).not.toBe(b);
  });

  it('leaves an id that fits as it is', () => {
    expect(shortId('pay_123', 24)).toBe('pay_123');
    expect(shortId('x'.repeat(24), 24)).toBe('x'.repeat(24));
  });

  it('honours the length asked for, counting the ellipsis', () => {
    const short = shortId('abcdefghijklmnopqrstuvwxyz', 11);
    expect(short).toBe('abcd…uvwxyz');
    expect(Array.from(short)).toHaveLength(11);
  });

  it('does not split a character outside the basic plane', () => {
    expect(shortId('😀'.repeat(30), 10)).toBe(`${'😀'.repeat(3)}…${'😀'.repeat(6)}`);
  });
});
