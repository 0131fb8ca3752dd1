import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { checkCapability, getRecentActor, recentActorOf } from '@/lib/auth/session';
import type { Actor } from '@/lib/auth/guard';
import { getDb } from '@/lib/db';
import { AppError, toResponse } from '@/lib/errors';
import { merchantsVersion } from '@/lib/merchants/cache';
import { paymentsVersion } from '@/lib/payments/cache';
import { paymentLinksVersion, paymentLinkVersion } from '@/lib/payments/links';
import { requestIdFrom } from '@/lib/request-id';
import { HSTS_VALUE, servedOverHttps } from '@/lib/security/headers';
import { decodeSegment } from '@/lib/ui/search-params';

/**
 * The live pages' fingerprints (`<LiveRefresh>` polls one every few seconds per open tab): one table
 * of them, answered the same way by their route handlers (under `next dev`) and by server.ts before
 * Next.js (in production, where Next's router would cost more than the fingerprint itself).
 * Each reads an index or a max, never a count; the session is checked against the database every time.
 */
type Poll = {
  /** What the audit log names a refused poll. */
  attempted: string;
  /** The path's own segment (a payment link's id), when it has one. */
  path: RegExp;
  version: (db: Db, query: URLSearchParams, segment: string | undefined) => Promise<string>;
};

/** An id in a poll's query string: built once, not per poll. */
const idSchema = z.string().trim().min(1).max(300);

function parseQuery(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const parsed = idSchema.safeParse(value);
  if (!parsed.success)
    throw new AppError('validation', 'INVALID_REQUEST', `${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

const polls: Poll[] = [
  {
    attempted: 'paymentsVersion',
    path: /^\/api\/payments\/version$/,
    version: (db, query) => paymentsVersion(db, parseQuery(query, 'id')),
  },
  {
    attempted: 'merchantsVersion',
    path: /^\/api\/merchants\/version$/,
    version: (db, query) => merchantsVersion(db, parseQuery(query, 'account')),
  },
  {
    attempted: 'paymentLinksVersion',
    path: /^\/api\/payments\/links\/version$/,
    version: (db) => paymentLinksVersion(db),
  },
  {
    attempted: 'paymentLinkVersion',
    path: /^\/api\/payments\/links\/([^/]+)\/version$/,
    version: (db, _query, segment) => {
      const id = decodeSegment(segment ?? '');
      if (!id || id.length > 300) throw new AppError('validation', 'INVALID_REQUEST', 'paymentRequestId: invalid');
      return paymentLinkVersion(db, id);
    },
  },
];

/** The poll a path names, with its own segment, or null. */
export function matchVersionPoll(pathname: string): { poll: Poll; segment: string | undefined } | null {
  for (const poll of polls) {
    const match = poll.path.exec(pathname);
    if (match) return { poll, segment: match[1] };
  }
  return null;
}

const noStore = { 'cache-control': 'no-store' };

/** A poll's answer: `{ version }`, or the 401/403/400 JSON every route handler gives. */
async function answer(
  url: URL,
  actor: () => Promise<Actor | null>,
  requestId: string,
): Promise<{ status: number; body: string }> {
  const matched = matchVersionPoll(url.pathname);
  let response: Response;
  if (!matched) response = toResponse(new AppError('not_found', 'NOT_FOUND', 'No such live view.'), { requestId });
  else {
    try {
      await checkCapability(await actor(), 'dashboard.read', matched.poll.attempted, () => requestId);
      const version = await matched.poll.version(getDb(), url.searchParams, matched.segment);
      return { status: 200, body: JSON.stringify({ version }) };
    } catch (error) {
      response = toResponse(error, { requestId });
    }
  }
  return { status: response.status, body: await response.text() };
}

/** The route handlers' GET (`next dev`, and any deployment that runs `next start` without server.ts). */
export async function versionPollRoute(request: Request): Promise<Response> {
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  const { status, body } = await answer(new URL(request.url), () => getRecentActor(), requestId);
  return new Response(body, { status, headers: { ...noStore, 'content-type': 'application/json' } });
}

/** Cookies from a raw `Cookie` header (RFC 6265 pairs; values as sent, which is what next-auth reads). */
export function cookiesOf(header: string | undefined): { name: string; value: string }[] {
  if (!header) return [];
  const list: { name: string; value: string }[] = [];
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const name = pair.slice(0, at).trim();
    if (!name) continue;
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // kept as sent
    }
    list.push({ name, value });
  }
  return list;
}

/** True for the GET requests server.ts answers here rather than through Next.js. */
export function isVersionPoll(req: IncomingMessage): boolean {
  if (req.method !== 'GET' || !req.url) return false;
  const query = req.url.indexOf('?');
  return matchVersionPoll(query < 0 ? req.url : req.url.slice(0, query)) !== null;
}

/**
 * For production (server.ts): the poll answered straight from Node's request, with the headers Next.js and
 * proxy.ts would give a JSON answer (next.config.js's static ones, the request id, a policy that loads nothing).
 */
export async function handleVersionPollNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { status, body } = await answer(url, () => recentActorOf(cookiesOf(req.headers.cookie)), requestId);
  res.writeHead(status, {
    ...noStore,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(servedOverHttps(process.env.APP_URL) ? { 'strict-transport-security': HSTS_VALUE } : {}),
  });
  res.end(body);
}
