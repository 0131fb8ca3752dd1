import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 webhook signatures over raw or compact JSON, in hex or base64: sources differ (klarna-api-notes.md). */

export function signWebhookBody(body: string, signingKey: string): string {
  return createHmac('sha256', signingKey).update(body, 'utf8').digest('base64');
}

export type SignatureVerdict =
  { valid: true; matched: 'raw' | 'compact' } | { valid: false; reason: 'missing signature' | 'mismatch' };

export function verifyWebhookSignature(
  rawBody: string,
  signature: string | null | undefined,
  signingKey: string,
): SignatureVerdict {
  const presented = signature?.trim();
  if (!presented) return { valid: false, reason: 'missing signature' };
  // The raw body first: the compact re-serialisation costs a parse, needed only when raw fails.
  if (sameDigest(createHmac('sha256', signingKey).update(rawBody, 'utf8').digest(), presented))
    return { valid: true, matched: 'raw' };
  const compact = compactJson(rawBody);
  if (
    compact !== null &&
    compact !== rawBody &&
    sameDigest(createHmac('sha256', signingKey).update(compact, 'utf8').digest(), presented)
  )
    return { valid: true, matched: 'compact' };
  return { valid: false, reason: 'mismatch' };
}

function compactJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Compares in constant time against the digest in hex, base64 or base64url. */
function sameDigest(digest: Buffer, presented: string): boolean {
  const decoded = /^[0-9a-fA-F]{64}$/.test(presented)
    ? Buffer.from(presented, 'hex')
    : Buffer.from(presented, 'base64');
  return decoded.length === digest.length && timingSafeEqual(decoded, digest);
}
