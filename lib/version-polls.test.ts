import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiesOf, handleVersionPollNode, isVersionPoll, matchVersionPoll } from './version-polls';

describe('the live pages’ version polls', () => {
  it('names each poll by its path, with a payment link’s own id', () => {
    expect(matchVersionPoll('/api/payments/version')?.poll.attempted).toBe('paymentsVersion');
    expect(matchVersionPoll('/api/merchants/version')?.poll.attempted).toBe('merchantsVersion');
    expect(matchVersionPoll('/api/payments/links/version')?.poll.attempted).toBe('paymentLinksVersion');
    const link = matchVersionPoll('/api/payments/links/krn%3Apayment-request%3A1/version');
    expect(link?.poll.attempted).toBe('paymentLinkVersion');
    expect(link?.segment).toBe('krn%3Apayment-request%3A1');
    for (const other of ['/api/payments', '/api/payments/version/x', '/api/payments/links/a/b/version', '/payments'])
      expect(matchVersionPoll(other)).toBeNull();
  });

  it('takes only GETs of those paths off Next.js, with or without a query', () => {
    const req = (method: string, url: string) => ({ method, url }) as Parameters<typeof isVersionPoll>[0];
    expect(isVersionPoll(req('GET', '/api/payments/version?id=abc'))).toBe(true);
    expect(isVersionPoll(req('GET', '/api/merchants/version'))).toBe(true);
    expect(isVersionPoll(req('POST', '/api/payments/version'))).toBe(false);
    expect(isVersionPoll(req('GET', '/api/payments/versions'))).toBe(false);
  });

  it('reads a Cookie header as the browser sent it: chunked session cookies, quoted and encoded values', () => {
    expect(
      cookiesOf('next-auth.session-token.0=abc; next-auth.session-token.1=d%3Def; theme="dark"; broken; =x'),
    ).toEqual([
      { name: 'next-auth.session-token.0', value: 'abc' },
      { name: 'next-auth.session-token.1', value: 'd=ef' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(cookiesOf(undefined)).toEqual([]);
  });

  describe('answered by the production server', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => void handleVersionPollNode(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('refuses a poll without a session as the route handler does: 401 JSON, not cached, with the security headers', async () => {
      const response = await fetch(`${base}/api/payments/version?id=abc`, {
        headers: { cookie: 'theme=dark', 'x-request-id': 'req-poll-1' },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-request-id')).toBe('req-poll-1');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    });

    it('a forged session cookie is no session', async () => {
      const response = await fetch(`${base}/api/merchants/version`, {
        headers: { cookie: 'next-auth.session-token=not-a-jwe' },
      });
      expect(response.status).toBe(401);
    });
  });
});
