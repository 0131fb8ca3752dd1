import { describe, expect, it } from 'vitest';
import { clientIp } from './request-ip';

describe('client IP for throttling', () => {
  it('takes the address the nearest trusted proxy saw, not what the client wrote further left', () => {
    const headers = { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' };
    expect(clientIp(headers, 1)).toBe('198.51.100.7');
    expect(clientIp(headers, 2)).toBe('203.0.113.9');
  });

  it('uses the first entry when there are fewer entries than hops, and says unknown without any', () => {
    expect(clientIp({ 'x-forwarded-for': '198.51.100.7' }, 3)).toBe('198.51.100.7');
    expect(clientIp({}, 1)).toBe('unknown');
  });
});
