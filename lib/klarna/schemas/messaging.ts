import { z } from 'zod';
import { amountSchema, currencySchema } from './payments';

/** Partner Product Messaging API (seed 002 l. 2310–2405, 2432–2470); `payment_amount` may arrive as text. */

/** BCP 47 language-country, as the seed's `locale` (e.g. en-US, fr-CA). */
export const localeSchema = z
  .string()
  .regex(
    /^[a-z]{2}-[A-Z]{2}$/,
    'must be a BCP 47 locale: ISO 639-1 language, "-", ISO 3166-1 alpha-2 country (e.g. en-US)',
  );

/** Seed: "Indicates the preferred payment option" (l. 2323). */
export const messagePreferences = ['PAY_NOW', 'PAY_LATER', 'PAY_OVER_TIME', 'KLARNA'] as const;
export type MessagePreference = (typeof messagePreferences)[number];

// A query parameter arrives as text; the digits of a whole number are read as that number.
const queryAmountSchema = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v),
  amountSchema,
);

export const messagingQuerySchema = z.strictObject({
  locale: localeSchema,
  /** Total of a one-off purchase in non-negative minor units, tax and discounts included (seed l. 2322). */
  payment_amount: queryAmountSchema,
  /** Seed: optional; the locale's default currency when absent. */
  currency: currencySchema.optional(),
  message_preference: z
    .enum(messagePreferences, { message: `must be one of ${messagePreferences.join(', ')}` })
    .optional(),
});
export type MessagingQuery = z.infer<typeof messagingQuerySchema>;

/** The query string the client sends: every given parameter as text. */
export function messagingQueryParameters(query: MessagingQuery): Record<string, string | undefined> {
  return {
    locale: query.locale,
    payment_amount: String(query.payment_amount),
    currency: query.currency,
    message_preference: query.message_preference,
  };
}

// Seed names: PAYMENT_DESCRIPTOR, PAYMENT_DESCRIPTOR_SUBHEADER, KLARNA_BADGE (alt, url); the
// checkout's TEXT_MAIN, ACTION_LEARN_MORE, ACTION_OPEN_BUYERS_PROTECTION_LINK (label, url).
export const contentNodeSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    value: z.string().optional(),
    url: z.string().optional(),
    label: z.string().optional(),
    alt: z.string().optional(),
  })
  .loose();
export type ContentNode = z.infer<typeof contentNodeSchema>;
const contentSchema = z.object({ nodes: z.array(contentNodeSchema) }).loose();

/** The seed's HTTP response (l. 2337–2405): `payment_descriptors[]`, each `{payment_option_id, content: {nodes}}`. */
export const paymentDescriptorsResponseSchema = z
  .object({ payment_descriptors: z.array(z.object({ payment_option_id: z.string(), content: contentSchema }).loose()) })
  .loose();
export type PaymentDescriptorsResponse = z.infer<typeof paymentDescriptorsResponseSchema>;

/** The seed's checkout response (l. 2438–2470): `{content: {nodes}}`. */
export const checkoutPlacementResponseSchema = z.object({ content: contentSchema }).loose();
export type CheckoutPlacementResponse = z.infer<typeof checkoutPlacementResponseSchema>;

/** Klarna.js `getPlacementContent()` answer (seed l. 2222–2300), kept so the conformance test can read it. */
export const sdkPaymentDescriptorsSchema = z
  .object({ paymentDescriptors: z.array(z.object({ paymentOptionId: z.string(), content: contentSchema }).loose()) })
  .loose();
