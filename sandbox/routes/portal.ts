import type { Hono } from 'hono';
import { DEEP_LINK_TTL_SECONDS, deepLinkRequestSchema } from '../../lib/klarna/schemas/accounts';
import { parseWith } from '../errors';
import type { SandboxRuntime } from '../runtime';
import type { SandboxEnv } from '../http';
import { getAccountOrThrow, getOwn, requireManageable } from '../state/accounts';
import { ids } from '../state/ids';
import type { RouteGroup } from './types';

/** Seed: "the session initiated will be valid for 8 hours". */
const PORTAL_SESSION_HOURS = 8;

/**
 * Portal deep links (seed, "Creating a deep link"): only for accounts this partner onboarded,
 * one use, 60 s. The URL points at the sandbox itself, which plays the Klarna portal.
 */
export const portalRoutes: RouteGroup = {
  'portal.deepLink': ({ sandbox, params, body, origin }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const input = parseWith(deepLinkRequestSchema, body);
    const now = sandbox.clock.nowMs();
    const token = ids.deepLinkToken();
    const expiresAt = now + DEEP_LINK_TTL_SECONDS * 1000;
    sandbox.store.data.deep_links[token] = {
      account_id: account.account_id,
      user_reference: input.user_reference,
      roles: input.roles ?? [],
      created_at_ms: now,
      expires_at_ms: expiresAt,
      used_at: null,
    };
    sandbox.store.changed();
    return {
      status: 200,
      body: { url: `${origin}/portal/deep-link/${token}`, expires_at: new Date(expiresAt).toISOString() },
    };
  },
};

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

function page(status: number, title: string, paragraphs: string[]): Response {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Klarna portal (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#17120f}h1{font-size:1.4rem}.badge{display:inline-block;background:#ffb3c7;border-radius:.3rem;padding:.1rem .5rem;font-size:.8rem}dt{font-weight:600;margin-top:.6rem}dd{margin:0}</style>
</head>
<body>
<p class="badge">Klarna portal (sandbox)</p>
<h1>${escapeHtml(title)}</h1>
${paragraphs.join('\n')}
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

/**
 * `GET /portal/deep-link/:token`: what the browser opens. First use within 60 s → 200 and the
 * link is spent; later → 410 "already been used"; too late → 410 "expired"; unknown → 404.
 * No auth (the token is the credential), outside the API pipeline.
 */
export function registerPortalPages(app: Hono<SandboxEnv>, sandbox: SandboxRuntime): void {
  app.get('/portal/deep-link/:token', (c) => {
    const link = getOwn(sandbox.store.data.deep_links, c.req.param('token'));
    if (!link)
      return page(404, 'Link not found', [
        '<p>This portal link does not exist. Ask your payment provider’s dashboard for a new one.</p>',
      ]);
    if (link.used_at) {
      return page(410, 'Link already used', [
        `<p>This portal link has already been used (at ${escapeHtml(link.used_at)}). Each link opens the portal once; open the portal again from your dashboard.</p>`,
      ]);
    }
    const now = sandbox.clock.nowMs();
    if (now >= link.expires_at_ms) {
      return page(410, 'Link expired', [
        `<p>This portal link expired at ${escapeHtml(new Date(link.expires_at_ms).toISOString())}; links are valid for ${DEEP_LINK_TTL_SECONDS} seconds. Open the portal again from your dashboard.</p>`,
      ]);
    }
    // A HEAD (a link preview) must not spend the one use.
    if (c.req.method !== 'HEAD') {
      link.used_at = sandbox.clock.iso();
      sandbox.store.changed();
    }
    const account = getOwn(sandbox.store.data.accounts, link.account_id);
    const roles = link.roles.length ? link.roles.map((r) => `<li>${escapeHtml(r)}</li>`).join('') : '<li>(none)</li>';
    return page(200, 'Welcome to the Klarna portal', [
      '<dl>',
      `<dt>Account</dt><dd>${escapeHtml(account?.account_name ?? '(unknown account)')}</dd>`,
      `<dt>Account id</dt><dd><code>${escapeHtml(link.account_id)}</code></dd>`,
      `<dt>User reference</dt><dd>${escapeHtml(link.user_reference)}</dd>`,
      `<dt>Roles</dt><dd><ul>${roles}</ul></dd>`,
      '</dl>',
      `<p>Signed in through a deep link. Session valid for ${PORTAL_SESSION_HOURS} hours, until ${escapeHtml(new Date(now + PORTAL_SESSION_HOURS * 3600_000).toISOString())}.</p>`,
    ]);
  });
}
