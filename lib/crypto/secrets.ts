import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest: AES-256-GCM with a versioned keyring (`v1.<keyId>.<iv>.<ciphertext>.<tag>`), so old values
 * still open after rotation. `context` is bound as AAD: a value copied to another row or column fails to open.
 */

export type Keyring = {
  /** Key id used for new values. */
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
};

export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function parseKeyring(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  for (const [index, entry] of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .entries()) {
    const sep = entry.indexOf(':');
    if (sep < 1) throw new Error(`entry ${index + 1} must look like <keyId>:<base64 key>`);
    const id = entry.slice(0, sep);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`key id "${id}" may only hold letters, digits, _ and -`);
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes of base64 (got ${key.length})`);
    if (keys.has(id)) throw new Error(`key id "${id}" appears twice`);
    keys.set(id, key);
    activeKeyId ??= id;
  }
  if (!activeKeyId) throw new Error('must name at least one key');
  return { activeKeyId, keys };
}

export function generateKeySpec(keyId = 'k1'): string {
  return `${keyId}:${randomBytes(32).toString('base64')}`;
}

export function sealSecret(plaintext: string, keyring: Keyring, context: string): string {
  const key = keyring.keys.get(keyring.activeKeyId);
  if (!key) throw new Error(`active key "${keyring.activeKeyId}" is not in the keyring`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, keyring.activeKeyId, iv, ciphertext, tag]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function openSecret(sealed: string, keyring: Keyring, context: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretDecryptionError('not a sealed secret');
  const [, keyId, ivPart, ctPart, tagPart] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key) throw new SecretDecryptionError(`sealed with key "${keyId}", which is not in the keyring`);
  const iv = Buffer.from(ivPart, 'base64url');
  const tag = Buffer.from(tagPart, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError('malformed sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('sealed secret failed authentication (tampered, wrong key or wrong context)');
  }
}

/** True when the value was sealed with a key other than the active one (rotate it). */
export function needsReseal(sealed: string, keyring: Keyring): boolean {
  return sealed.split('.')[1] !== keyring.activeKeyId;
}
