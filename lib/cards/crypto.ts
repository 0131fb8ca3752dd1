import {
  constants,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { cardDataSchema, type CardData } from '@/lib/klarna/schemas/cards';
import { rawRsaDecryptMany } from './rsa-pool';

/** Card keys and data (seed 000): `aes_key` (RSA PKCS#1 v1.5) unwraps the AES-128 key that opens `pci_data` (CTR).
 * Node 20 refuses PKCS1 padding (CVE-2023-46809, Marvin), so: raw blinded RSA, then a constant-time EME decode
 * for a 16-byte key; every failure is one error (README "Decisions"). */

export const MIN_KEY_BITS = 2048;
export const DEFAULT_KEY_BITS = 4096;
export const MAX_KEY_BITS = 8192;
/** AES-128 (seed 000: "a 128 bit symmetric key"). */
const AES_KEY_BYTES = 16;
const IV_BYTES = 16;

/** The one error of a card that cannot be decrypted, whatever the cause. */
export class CardDecryptionError extends Error {
  override name = 'CardDecryptionError';
  constructor() {
    super('The card data could not be decrypted with this key.');
  }
}

/** A private key that cannot be used for cards: why, in a sentence for the form. */
export class CardKeyError extends Error {
  override name = 'CardKeyError';
}

export type RsaPublicJwk = { kty: 'RSA'; n: string; e: string };

export type CardKeyPair = { privateKeyPem: string; publicJwk: RsaPublicJwk; bits: number };

const generate = promisify(generateKeyPair);

/** A new RSA key pair (public exponent 65537); the private key as PKCS#8 PEM. */
export async function generateCardKey(bits: number = DEFAULT_KEY_BITS): Promise<CardKeyPair> {
  if (!Number.isInteger(bits) || bits < MIN_KEY_BITS || bits > MAX_KEY_BITS || bits % 1024 !== 0)
    throw new CardKeyError(`A key must have 2048, 3072, 4096 … ${MAX_KEY_BITS} bits.`);
  const { privateKey } = await generate('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return describeKey(privateKey);
}

/** Reads a PEM private key (PKCS#1 or PKCS#8, unencrypted): RSA of at least 2048 bits, else CardKeyError. */
export function importCardKey(pem: string): CardKeyPair {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem.trim(), format: 'pem' });
  } catch {
    throw new CardKeyError('This is not an unencrypted PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).');
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new CardKeyError(
      `This is a${key.asymmetricKeyType === 'ec' ? 'n' : ''} ${key.asymmetricKeyType} key; an RSA key is required.`,
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_KEY_BITS) throw new CardKeyError(`This key has ${bits} bits; at least ${MIN_KEY_BITS} are required.`);
  if (bits > MAX_KEY_BITS) throw new CardKeyError(`This key has ${bits} bits; at most ${MAX_KEY_BITS} are supported.`);
  return describeKey(key);
}

function describeKey(privateKey: KeyObject): CardKeyPair {
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk: publicJwkOf(privateKey),
    bits: privateKey.asymmetricKeyDetails!.modulusLength!,
  };
}

/** The public half as a JWK (`kty`, `n`, `e`), what Klarna enrols (seed 000: "provide your public key in JWK format"). */
export function publicJwkOf(key: KeyObject): RsaPublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return { kty: 'RSA', n: jwk.n!, e: jwk.e! };
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}

export type EncryptedCard = { pci_data: string; iv: string; aes_key: string };

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function base64(value: string): Buffer {
  if (!STRICT_BASE64.test(value)) throw new CardDecryptionError();
  return Buffer.from(value, 'base64');
}

/** EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2) of `00 02 PS 00 M` for a message of exactly `length` bytes: every
 * byte is folded into one flag without branching on it; only the final verdict branches. */
export function decodePkcs1v15Fixed(em: Uint8Array, length: number): Buffer {
  const k = em.length;
  const separator = k - length - 1;
  if (separator < 10) throw new CardDecryptionError();
  let bad = em[0]! | (em[1]! ^ 0x02) | em[separator]!;
  for (let i = 2; i < separator; i++) {
    // 1 when the byte is zero, else 0, without a branch.
    bad |= ((em[i]! - 1) >>> 8) & 1;
  }
  if (bad !== 0) throw new CardDecryptionError();
  return Buffer.from(em.subarray(separator + 1));
}

function rawDecrypt(privateKey: KeyObject, ciphertext: Uint8Array): Buffer | null {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    // OpenSSL refuses a ciphertext ≥ the modulus: the same error as a bad padding, later.
    return null;
  }
}

const modulusBytes = (key: KeyObject) => Math.ceil(key.asymmetricKeyDetails!.modulusLength! / 8);

/** `aes_key` decoded, when it is base64 of exactly the modulus' length; else null (→ the one error). */
function wrappedKey(card: EncryptedCard, k: number): Buffer | null {
  if (!STRICT_BASE64.test(card.aes_key)) return null;
  const ciphertext = Buffer.from(card.aes_key, 'base64');
  return ciphertext.length === k ? ciphertext : null;
}

function openCard(card: EncryptedCard, em: Uint8Array | null, k: number): CardData {
  if (!em || em.length !== k) throw new CardDecryptionError();
  let aesKey: Buffer;
  try {
    aesKey = decodePkcs1v15Fixed(em, AES_KEY_BYTES);
  } finally {
    em.fill(0);
  }
  const iv = base64(card.iv);
  if (iv.length !== IV_BYTES) throw new CardDecryptionError();
  const decipher = createDecipheriv('aes-128-ctr', aesKey, iv);
  const plain = Buffer.concat([decipher.update(base64(card.pci_data)), decipher.final()]);
  aesKey.fill(0);
  let parsed: unknown;
  try {
    parsed = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new CardDecryptionError();
  } finally {
    plain.fill(0);
  }
  const result = cardDataSchema.safeParse(parsed);
  if (!result.success) throw new CardDecryptionError();
  return result.data;
}

/** Opens one card: `{pan, expiry_date, cvv}`, or CardDecryptionError for anything else. */
export function decryptCard(card: EncryptedCard, privateKey: KeyObject): CardData {
  const k = modulusBytes(privateKey);
  const ciphertext = wrappedKey(card, k);
  return openCard(card, ciphertext && rawDecrypt(privateKey, ciphertext), k);
}

/** Opens many cards with one key, the RSA step on worker threads (rsa-pool.ts); each a card or CardDecryptionError. */
export async function decryptCards(
  cards: EncryptedCard[],
  privateKeyPem: string,
): Promise<(CardData | CardDecryptionError)[]> {
  const privateKey = privateKeyFromPem(privateKeyPem);
  const k = modulusBytes(privateKey);
  const wrapped = cards.map((card) => wrappedKey(card, k));
  const present = wrapped.filter((c): c is Buffer => c !== null);
  const raw = await rawRsaDecryptMany(privateKeyPem, present, (c) => rawDecrypt(privateKey, c));
  let next = 0;
  return cards.map((card, i) => {
    const em = wrapped[i] ? raw[next++]! : null;
    try {
      return openCard(card, em ? Buffer.from(em.buffer, em.byteOffset, em.byteLength) : null, k);
    } catch (error) {
      if (error instanceof CardDecryptionError) return error;
      throw error;
    }
  });
}
