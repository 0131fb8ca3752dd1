import { describe, expect, it } from 'vitest';
import { clientIp } from './request-ip';

describe('client IP for throttling', () => {
  it('uses the hop Next itself appended unless a proxy is trusted, so a client cannot pick its IP', () => {
    const headers = { 'x-forwarded-for': '203.0.113.9, 127.0.0.1' };
    expect(clientIp(headers, false)).toBe('127.0.0.1');
    expect(clientIp(headers, true)).toBe('203.0.113.9');
  });

  it('falls back when there is no header', () => {
    expect(clientIp({}, false)).toBe('unknown');
    expect(clientIp({ 'x-real-ip': '198.51.100.4' }, false)).toBe('198.51.100.4');
  });
});
