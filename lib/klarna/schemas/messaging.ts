import { z } from 'zod';
import { amountSchema, currencySchema } from './payments';

/**
 * Klarna messaging (seed, "Checking Klarna availability", "2.2 - Get content for Klarna's
 * payment badge, descriptor, and subheaders", "2.3 - Display the Klarna checkout placement").
 * The seed shows these as Klarna.js calls (`getPlacementContent`, `placement`); the sandbox
 * serves them over HTTP at paths of our own (lib/klarna/routes.ts). Request schemas are strict;
 * response schemas keep unknown fields.
 */

/** BCP 47 language-country, as the seed's `locale` (e.g. en-US, fr-CA). */
export const localeSchema = z.string().regex(/^[a-z]{2}-[A-Z]{2}$/, 'must be a BCP 47 locale: ISO 639-1 language, "-", ISO 3166-1 alpha-2 country (e.g. en-US)');

const messagingRequestBase = {
  locale: localeSchema,
  /** Total of a one-off purchase in minor units, tax and discounts included (seed: `payment_amount`). */
  amount: amountSchema,
  /** Seed: optional; the locale's market currency when absent. */
  currency: currencySchema.optional(),
};

export const paymentDescriptorsRequestSchema = z.strictObject({
  ...messagingRequestBase,
  key: z.literal('payment-descriptors', { message: 'must be payment-descriptors' }).optional(),
});
export type PaymentDescriptorsRequest = z.infer<typeof paymentDescriptorsRequestSchema>;

export const placementRequestSchema = z.strictObject({
  ...messagingRequestBase,
  /** The seed's one checkout placement key; the default. */
  key: z.literal('checkout', { message: 'must be checkout' }).optional(),
});
export type PlacementRequest = z.infer<typeof placementRequestSchema>;

// Seed names: PAYMENT_DESCRIPTOR, PAYMENT_DESCRIPTOR_SUBHEADER, KLARNA_BADGE; the placement's nodes are ours.
export const contentNodeSchema = z
  .object({ name: z.string(), type: z.string(), value: z.string().optional(), url: z.string().optional(), label: z.string().optional() })
  .loose();
export type ContentNode = z.infer<typeof contentNodeSchema>;
const contentSchema = z.object({ nodes: z.array(contentNodeSchema) }).loose();

/** The seed's response example: `paymentDescriptors[]`, each `{paymentOptionId, content: {nodes}}`. */
export const paymentDescriptorsResponseSchema = z
  .object({ paymentDescriptors: z.array(z.object({ paymentOptionId: z.string(), content: contentSchema }).loose()) })
  .loose();
export type PaymentDescriptorsResponse = z.infer<typeof paymentDescriptorsResponseSchema>;

export const placementResponseSchema = z.object({ key: z.string(), content: contentSchema }).loose();
export type PlacementResponse = z.infer<typeof placementResponseSchema>;
