import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CardDecryptionError,
  CardKeyError,
  decodePkcs1v15Fixed,
  decryptCard,
  decryptCards,
  generateCardKey,
  importCardKey,
  type EncryptedCard,
} from './crypto';
import { closeRsaPool } from './rsa-pool';

// Card decryption against vectors made with openssl alone (scripts/card-fixtures.sh): the card
// JSON under `openssl enc -aes-128-ctr`, the AES key under `openssl pkeyutl -encrypt -pkeyopt
// rsa_padding_mode:pkcs1`, for 2048- and 4096-bit keys from `openssl genrsa`.

const dir = path.resolve(process.cwd(), 'test/fixtures/cards');
type Vector = { card: { pan: string; expiry_date: string; cvv: string }; encrypted: EncryptedCard };
const fixture = (bits: number) => ({
  pem: readFileSync(path.join(dir, `rsa-${bits}.pem`), 'utf8'),
  publicPem: readFileSync(path.join(dir, `rsa-${bits}.pub.pem`), 'utf8'),
  vectors: JSON.parse(readFileSync(path.join(dir, `cards-${bits}.json`), 'utf8')) as Vector[],
});
const UNIFORM = 'The card data could not be decrypted with this key.';

afterAll(() => closeRsaPool());

/** Flips one bit of a base64 value's byte `at` (negative: from the end). */
function flip(value: string, at: number): string {
  const bytes = Buffer.from(value, 'base64');
  const i = at < 0 ? bytes.length + at : at;
  bytes[i]! ^= 0x01;
  return bytes.toString('base64');
}

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe.each([2048, 4096])('openssl vectors, %i-bit key', (bits) => {
  const { pem, publicPem, vectors } = fixture(bits);
  const key = createPrivateKey(pem);

  it('decrypts a batch on worker threads, in order, a bad card among them an error in its place', async () => {
    const many = Array.from({ length: 12 }, (_, i) => vectors[i % vectors.length]!);
    const cards = many.map((v, i) =>
      i === 5 ? { ...v.encrypted, aes_key: flip(v.encrypted.aes_key, 3) } : v.encrypted,
    );
    const results = await decryptCards(cards, pem);
    expect(results.map((r, i) => (i === 5 ? r instanceof CardDecryptionError : r))).toEqual(
      many.map((v, i) => (i === 5 ? true : v.card)),
    );
  });

  it('decrypts every card to the JSON openssl encrypted', async () => {
    for (const v of vectors) expect(decryptCard(v.encrypted, key)).toEqual(v.card);
    expect(
      await decryptCards(
        vectors.map((v) => v.encrypted),
        pem,
      ),
    ).toEqual(vectors.map((v) => v.card));
  });

  it('imports the PEM openssl wrote and gives the public key openssl derived, as a JWK', () => {
    const imported = importCardKey(pem);
    expect(imported.bits).toBe(bits);
    const fromOpenssl = createPublicKey(publicPem).export({ format: 'jwk' });
    expect(imported.publicJwk).toEqual({ kty: 'RSA', n: fromOpenssl.n, e: fromOpenssl.e });
  });

  it('a tampered aes_key, the wrong key, or a malformed field gives the one uniform error', async () => {
    const [v] = vectors;
    const other = createPrivateKey(
      generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const cases: [string, EncryptedCard, typeof key][] = [
      ['aes_key first byte', { ...v!.encrypted, aes_key: flip(v!.encrypted.aes_key, 0) }, key],
      ['aes_key last byte', { ...v!.encrypted, aes_key: flip(v!.encrypted.aes_key, -1) }, key],
      ['aes_key middle byte', { ...v!.encrypted, aes_key: flip(v!.encrypted.aes_key, bits / 16) }, key],
      ['the wrong key', v!.encrypted, other],
      [
        'aes_key all 0xff (≥ the modulus)',
        { ...v!.encrypted, aes_key: Buffer.alloc(bits / 8, 0xff).toString('base64') },
        key,
      ],
      [
        'aes_key one byte short',
        { ...v!.encrypted, aes_key: Buffer.from(v!.encrypted.aes_key, 'base64').subarray(1).toString('base64') },
        key,
      ],
      ['aes_key not base64', { ...v!.encrypted, aes_key: `${v!.encrypted.aes_key.slice(0, -4)}!!!!` }, key],
      ['iv of 12 bytes', { ...v!.encrypted, iv: Buffer.alloc(12).toString('base64') }, key],
      ['pci_data not the card JSON', { ...v!.encrypted, pci_data: flip(v!.encrypted.pci_data, 0) }, key],
    ];
    for (const [name, card, privateKey] of cases) {
      const error = refusal(() => decryptCard(card, privateKey));
      expect(error, name).toBeInstanceOf(CardDecryptionError);
      expect(error.message, name).toBe(UNIFORM);
    }
    const batch = await decryptCards(
      cases.filter(([, , k]) => k === key).map(([, card]) => card),
      pem,
    );
    expect(batch.every((r) => r instanceof CardDecryptionError && r.message === UNIFORM)).toBe(true);
  });
});

describe('EME-PKCS1-v1_5 decoding (fixed length)', () => {
  const k = 256;
  const valid = () => {
    const em = Buffer.alloc(k, 0x5a);
    em[0] = 0x00;
    em[1] = 0x02;
    em[k - 17] = 0x00;
    em.fill(0xab, k - 16);
    return em;
  };

  it('returns the 16 bytes after the separator', () => {
    expect(decodePkcs1v15Fixed(valid(), 16)).toEqual(Buffer.alloc(16, 0xab));
  });

  it.each([
    ['first byte not 0', (em: Buffer) => (em[0] = 0x01)],
    ['block type 1, not 2', (em: Buffer) => (em[1] = 0x01)],
    ['a zero inside the padding (a shorter message)', (em: Buffer) => (em[100] = 0x00)],
    ['a zero as the first padding byte', (em: Buffer) => (em[2] = 0x00)],
    ['no separator before the key', (em: Buffer) => (em[k - 17] = 0x07)],
  ])('refuses %s with the one error', (_, change) => {
    const em = valid();
    change(em);
    expect(() => decodePkcs1v15Fixed(em, 16)).toThrow(UNIFORM);
  });
});

describe('keys', () => {
  it('generates 4096 bits by default, with a public JWK that encrypts for the private key', async () => {
    const pair = await generateCardKey();
    expect(pair.bits).toBe(4096);
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const pub = createPublicKey({ key: pair.publicJwk, format: 'jwk' });
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(pair.publicJwk.e).toBe('AQAB');
  });

  it('refuses sizes under 2048 or not a multiple of 1024', async () => {
    await expect(generateCardKey(1024)).rejects.toBeInstanceOf(CardKeyError);
    await expect(generateCardKey(2500)).rejects.toBeInstanceOf(CardKeyError);
  });

  it('imports PKCS#1 and PKCS#8 RSA keys; refuses 1024 bits, an EC key, a public key and garbage, saying why', () => {
    const pkcs1 = execFileSync('openssl', ['rsa', '-traditional', '-in', path.join(dir, 'rsa-2048.pem')], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    expect(pkcs1).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(importCardKey(pkcs1).bits).toBe(2048);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => importCardKey(small.toString())).toThrow('This key has 1024 bits; at least 2048 are required.');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => importCardKey(ec.toString())).toThrow('This is an ec key; an RSA key is required.');
    expect(() => importCardKey(fixture(2048).publicPem)).toThrow(CardKeyError);
    expect(() => importCardKey('hello')).toThrow(/not an unencrypted PEM private key/);
  });
});
