import { z } from 'zod';
import { openEnum } from './open';

/** Merchant Card Service (seed 001, base `/merchantcard/v3`; encryption: seed 000; klarna-api-notes.md). Requests
 * are strict (the sandbox refuses unknown fields); answers keep unknown fields. */

/** At most this many cards in one promise (seed 001: "[ 1 .. 1000 ] items", "max 1000"). */
export const MAX_CARDS_PER_PROMISE = 1000;

/** Seed 000: "all European currencies as well as in USD"; ours: the European ISO 4217 codes in use, plus USD. */
export const cardCurrencies = [
  'EUR',
  'GBP',
  'SEK',
  'NOK',
  'DKK',
  'CHF',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'ISK',
  'USD',
] as const;
export type CardCurrency = (typeof cardCurrencies)[number];

/** Amounts are integers in minor units, like every Klarna amount (ours: seed 001 prints none). */
const minorAmount = z.number().int().min(1).max(100_000_000_00);

/** notes: `amount` (≥ 1), `currency`, `reference` (1–255) required; `fund_amount` optional. */
export const cardSpecificationSchema = z
  .strictObject({
    amount: minorAmount,
    currency: z.enum(cardCurrencies),
    reference: z.string().min(1).max(255),
    /** Ours: at most the card's amount (the seed does not say what it may be). */
    fund_amount: minorAmount.optional(),
  })
  .refine((c) => c.fund_amount === undefined || c.fund_amount <= c.amount, {
    path: ['fund_amount'],
    message: 'must not exceed amount',
  });
export type CardSpecification = z.infer<typeof cardSpecificationSchema>;

/** POST /promises (seed 001 "Create a card promise"). */
export const cardPromiseCreateSchema = z.strictObject({
  order_id: z.string().trim().min(1).max(255),
  cards: z.array(cardSpecificationSchema).min(1).max(MAX_CARDS_PER_PROMISE),
});
export type CardPromiseCreateRequest = z.infer<typeof cardPromiseCreateSchema>;

export const cardPromiseCreatedSchema = z
  .object({ promise_id: z.string().min(1), expires_at: z.iso.datetime({ offset: true }) })
  .loose();
export type CardPromiseCreated = z.infer<typeof cardPromiseCreatedSchema>;

/** A promise's card as the read shows it: the specification as given (answers are loose). */
export const promiseCardSchema = z
  .object({
    amount: z.number().int(),
    currency: z.string(),
    reference: z.string(),
    fund_amount: z.number().int().optional(),
  })
  .loose();

/** GET /promises/{promise_id}. The seed prints `expire_at` here (`expires_at` elsewhere); the notes say to keep the
 * quirk. */
export const cardPromiseSchema = z
  .object({
    promise_id: z.string().min(1),
    order_id: z.string().min(1),
    cards: z.array(promiseCardSchema),
    created_at: z.iso.datetime({ offset: true }),
    expire_at: z.iso.datetime({ offset: true }),
  })
  .loose();
export type CardPromise = z.infer<typeof cardPromiseSchema>;

/** POST /settlements (seed 001 "Create a card settlement"). */
export const cardSettlementCreateSchema = z.strictObject({
  promise_id: z.string().trim().min(1).max(255).optional(),
  order_id: z.string().trim().min(1).max(255),
  key_id: z.string().trim().min(1).max(255),
});
export type CardSettlementCreateRequest = z.infer<typeof cardSettlementCreateSchema>;

/** The brands the sandbox issues; Klarna may name others, which are kept as they come. */
export const cardBrands = ['VISA', 'MASTERCARD'] as const;

/** A settlement's card (notes; seed 000): `pci_data` is the card JSON under AES-128-CTR, `iv` its 16-byte counter
 * block, `aes_key` the AES key under the enrolled RSA key (PKCS#1 v1.5), all base64. */
export const settlementCardSchema = z
  .object({
    card_id: z.string().min(1),
    reference: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    brand: openEnum(cardBrands),
    holder: z.string().optional(),
    pci_data: z.base64(),
    iv: z.base64(),
    aes_key: z.base64(),
  })
  .loose();
export type SettlementCard = z.infer<typeof settlementCardSchema>;

/** 201 of POST /settlements and 200 of both settlement reads. */
export const cardSettlementSchema = z
  .object({
    settlement_id: z.string().min(1),
    promise_id: z.string().min(1).optional(),
    order_id: z.string().min(1),
    cards: z.array(settlementCardSchema),
    created_at: z.iso.datetime({ offset: true }),
    expires_at: z.iso.datetime({ offset: true }),
  })
  .loose();
export type CardSettlement = z.infer<typeof cardSettlementSchema>;

/** What a card's `pci_data` decrypts to (seed 000, "Decryption": `{pan, expiry_date, cvv}`). */
export const cardDataSchema = z
  .object({
    pan: z.string().regex(/^\d{12,19}$/),
    expiry_date: z.string().regex(/^(0[1-9]|1[0-2])\/\d{2}$/),
    cvv: z.string().regex(/^\d{3,4}$/),
  })
  .loose();
export type CardData = z.infer<typeof cardDataSchema>;

export const cancellationStatuses = ['PENDING', 'CANCELLED', 'REJECTED'] as const;
export type CancellationStatus = (typeof cancellationStatuses)[number];
export const cancellationReasonCodes = ['CARD_IN_USE', 'OTHER'] as const;

/** POST /orders/{order_id}/cancel-request: 200 CANCELLED when already cancelled, 202 PENDING with `check_after`
 * when queued; GET adds `reason_code`/`reason_message` once rejected (seed 001). */
export const cancellationSchema = z
  .object({
    status: openEnum(cancellationStatuses),
    check_after: z.iso.datetime({ offset: true }).optional(),
    reason_code: openEnum(cancellationReasonCodes).optional(),
    reason_message: z.string().optional(),
  })
  .loose();
export type Cancellation = z.infer<typeof cancellationSchema>;

/** The RSA public key the sandbox's control API enrols (ours: the seed makes enrolment a step with Klarna). */
export const rsaPublicJwkSchema = z
  .object({
    kty: z.literal('RSA'),
    n: z.base64url().min(342, 'the key must be at least 2048 bits'),
    e: z.base64url(),
  })
  .loose();
export type RsaPublicJwk = z.infer<typeof rsaPublicJwkSchema>;
