import { z } from 'zod';
import { addressSchema, countrySchema, emailSchema, phoneSchema, pricingRateSchema, webUrlSchema } from './accounts';
import { openEnum } from './open';

/** Klarna payments (seed, "Processing of Klarna payments"): money is integer minor units with an ISO 4217 currency. */

// Payment request states (seed, "Payment request state"; DECLINED from the v1 event list).
export const paymentRequestStates = [
  'SUBMITTED',
  'IN_PROGRESS',
  'PREPARED',
  'PENDING_CONFIRMATION',
  'AUTHORIZED',
  'CANCELED',
  'EXPIRED',
  'DECLINED',
] as const;
export type PaymentRequestState = (typeof paymentRequestStates)[number];
export const finalPaymentRequestStates: readonly PaymentRequestState[] = [
  'AUTHORIZED',
  'CANCELED',
  'EXPIRED',
  'DECLINED',
];
// Payment transaction states (seed, "Payment transaction state definition").
export const paymentTransactionStates = ['AUTHORIZED', 'EXPIRED', 'COMPLETED', 'CLOSED'] as const;
export type PaymentTransactionState = (typeof paymentTransactionStates)[number];

/** Seed: "A payment request is open for 48h by default". */
export const PAYMENT_REQUEST_TTL_MS = 48 * 3600 * 1000;
/** Seed: "The payment confirmation token is valid for 60 minutes". */
export const CONFIRMATION_TOKEN_TTL_MS = 60 * 60 * 1000;
/** How long an authorization lasts before it expires ("defined in the partner's contract"; ours: 28 days). */
export const AUTHORIZATION_TTL_MS = 28 * 24 * 3600 * 1000;
/** Seed: an expired transaction can be reauthorized within 7 days, then it closes (or completes). */
export const REAUTHORIZATION_GRACE_MS = 7 * 24 * 3600 * 1000;
/** Seed: "A payment transaction in the Completed state reaches its end of life after 3 years." */
export const END_OF_LIFE_MS = 3 * 365 * 24 * 3600 * 1000;
/** klarna-api-notes.md: at most 200 captures, 200 refunds and 500 operations per transaction. */
export const MAX_CAPTURES = 200;
export const MAX_REFUNDS = 200;
export const MAX_OPERATIONS = 500;

/** The redirect URL's placeholders (seed, "Generate a Redirect URL"). */
export const redirectPlaceholders = {
  token: '{klarna.payment_request.payment_confirmation_token}',
  id: '{klarna.payment_request.id}',
  state: '{klarna.payment_request.state}',
  reference: '{klarna.payment_request.payment_reference}',
} as const;

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `at most ${max} characters`).optional();

/** A non-negative amount in minor units (25 dollars = 2500). */
export const amountSchema = z
  .number({ message: 'must be a whole number of minor units (25.00 is 2500)' })
  .int('must be a whole number of minor units (25.00 is 2500)')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
export const positiveAmountSchema = amountSchema.refine((v) => v >= 1, 'must be at least 1 minor unit');
const signedAmountSchema = z
  .number({ message: 'must be a whole number of minor units' })
  .int('must be a whole number of minor units')
  .min(-Number.MAX_SAFE_INTEGER, 'is too small')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
export const currencySchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 currency code such as EUR');

// Line items (ours, after Klarna's order-line shape; klarna-api-notes.md "Payment requests").
export const lineItemTypes = [
  'physical',
  'discount',
  'shipping_fee',
  'sales_tax',
  'gift_card',
  'store_credit',
  'digital',
  'surcharge',
] as const;
export type LineItemType = (typeof lineItemTypes)[number];
/** Lines that reduce what the shopper pays: their total is ≤ 0. */
export const reducingLineTypes: readonly LineItemType[] = ['discount', 'gift_card', 'store_credit'];

export const lineItemSchema = z
  .strictObject({
    name: text(255),
    quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'at most 1000000'),
    unit_price: signedAmountSchema,
    total_discount_amount: amountSchema.optional(),
    total_tax_amount: signedAmountSchema.optional(),
    /** Percent × 100 (25 % = 2500), as Klarna's order lines. */
    tax_rate: z
      .number()
      .int('must be a whole number (percent × 100: 25 % is 2500)')
      .min(0, 'must not be negative')
      .max(10_000, 'at most 10000 (100 %)')
      .optional(),
    total_line_amount: signedAmountSchema,
    reference: optionalText(255),
    type: z.enum(lineItemTypes, { message: `must be one of ${lineItemTypes.join(', ')}` }).optional(),
  })
  .superRefine((line, ctx) => {
    const expected = line.quantity * line.unit_price - (line.total_discount_amount ?? 0);
    if (line.total_line_amount !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['total_line_amount'],
        message: `must equal quantity × unit_price − total_discount_amount (${expected})`,
      });
    }
    const reducing = line.type !== undefined && reducingLineTypes.includes(line.type);
    if (reducing && line.total_line_amount > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['total_line_amount'],
        message: `a ${line.type} line must not be positive`,
      });
    if (!reducing && line.unit_price < 0)
      ctx.addIssue({
        code: 'custom',
        path: ['unit_price'],
        message: 'must not be negative (use a discount, gift_card or store_credit line to reduce the total)',
      });
  });
export type LineItem = z.infer<typeof lineItemSchema>;
const lineItemsSchema = z.array(lineItemSchema).min(1, 'needs at least one line').max(1000, 'at most 1000 lines');

export function sumLines(lines: readonly { total_line_amount: number }[]): number {
  return lines.reduce((sum, line) => sum + line.total_line_amount, 0);
}

/** `payment_amount` (or `amount`) must equal the lines' total when lines are given. */
function linesMatch(amountKey: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const lines = value.line_items as LineItem[] | undefined;
    const amount = value[amountKey] as number | undefined;
    if (!lines || amount === undefined) return;
    const total = sumLines(lines);
    if (total !== amount)
      ctx.addIssue({
        code: 'custom',
        path: [amountKey],
        message: `must equal the sum of line_items[].total_line_amount (${total})`,
      });
  };
}

export const personSchema = z.strictObject({
  given_name: optionalText(100),
  family_name: optionalText(100),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
});
export const customerSchema = personSchema.extend({
  date_of_birth: z.iso.date('must be a date like 1970-10-07').optional(),
  address: addressSchema.optional(),
});
export type Customer = z.infer<typeof customerSchema>;
export const shippingSchema = z.strictObject({
  recipient: personSchema.optional(),
  address: addressSchema.optional(),
  shipping_method: optionalText(100),
});
export type Shipping = z.infer<typeof shippingSchema>;
/** Tracking of one shipment (klarna-api-notes.md: `tracking_number` / `tracking_url`). */
export const shippingInfoSchema = z.strictObject({
  shipping_company: optionalText(100),
  shipping_method: optionalText(100),
  tracking_number: optionalText(100),
  tracking_url: webUrlSchema.optional(),
  return_shipping_company: optionalText(100),
  return_tracking_number: optionalText(100),
  return_tracking_url: webUrlSchema.optional(),
});
export type ShippingInfo = z.infer<typeof shippingInfoSchema>;
const shippingInfoListSchema = z.array(shippingInfoSchema).max(50, 'at most 50 shipments');

/** A redirect URL may carry the seed's `{klarna.payment_request.…}` placeholders. */
const redirectUrlSchema = z
  .string()
  .trim()
  .max(2048, 'at most 2048 characters')
  .refine((value) => {
    try {
      const url = new URL(value.replace(/\{[^}]*\}/g, 'x'));
      return (
        url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname))
      );
    } catch {
      return false;
    }
  }, 'must be an https URL, optionally with {klarna.payment_request.…} placeholders');

const paymentRequestBody = {
  currency: currencySchema,
  payment_amount: amountSchema,
  payment_reference: optionalText(255),
  merchant_reference: optionalText(255),
  /** Ours: the market the purchase is priced in; defaults from the currency (klarna-api-notes.md). */
  purchase_country: countrySchema.optional(),
  config: z
    .strictObject({
      redirect_url: redirectUrlSchema.optional(),
      payment_option_id: optionalText(255),
      shopping_session_token: optionalText(255),
    })
    .optional(),
  customer: customerSchema.optional(),
  shipping: shippingSchema.optional(),
  line_items: lineItemsSchema.optional(),
};
export const paymentRequestCreateSchema = z.strictObject(paymentRequestBody).superRefine(linesMatch('payment_amount'));
export type PaymentRequestCreateRequest = z.infer<typeof paymentRequestCreateSchema>;
/** PATCH, only while SUBMITTED: the fields given replace the stored ones; the sandbox checks amount and lines together. */
export const paymentRequestUpdateSchema = z
  .strictObject(paymentRequestBody)
  .partial()
  .superRefine(linesMatch('payment_amount'))
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to update' });
export type PaymentRequestUpdateRequest = z.infer<typeof paymentRequestUpdateSchema>;

/** Seed, "Step 5: Confirm Payment request server side": currency and payment_amount are mandatory. */
export const paymentConfirmSchema = z
  .strictObject({
    currency: currencySchema,
    payment_amount: amountSchema,
    merchant_reference: optionalText(255),
    payment_reference: optionalText(255),
    line_items: lineItemsSchema.optional(),
    shipping: shippingSchema.optional(),
  })
  .superRefine(linesMatch('payment_amount'));
export type PaymentConfirmRequest = z.infer<typeof paymentConfirmSchema>;

export const paymentPricingSchema = z.object({ price_plan_id: z.string().nullish(), rate: pricingRateSchema }).loose();
export type PaymentPricing = z.infer<typeof paymentPricingSchema>;

const looseLine = z
  .object({ name: z.string(), quantity: z.number(), unit_price: z.number(), total_line_amount: z.number() })
  .loose();

export const paymentRequestSchema = z
  .object({
    payment_request_id: z.string(),
    state: openEnum(paymentRequestStates),
    previous_state: openEnum(paymentRequestStates).nullish(),
    state_expires_at: z.string().nullish(),
    expires_at: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    state_context: z
      .object({
        distribution: z.object({ url: z.string() }).loose().nullish(),
        payment_confirmation_token: z.string().nullish(),
        payment_transaction_id: z.string().nullish(),
        payment_pricing: paymentPricingSchema.nullish(),
      })
      .loose(),
    payment_request: z
      .object({
        currency: z.string(),
        payment_amount: z.number().int(),
        payment_reference: z.string().nullish(),
        merchant_reference: z.string().nullish(),
        line_items: z.array(looseLine).nullish(),
      })
      .loose(),
  })
  .loose();
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

// Payment transactions (paths and bodies ours beyond the read; klarna-api-notes.md).
export const transactionUpdateSchema = z
  .strictObject({
    merchant_reference: optionalText(255),
    payment_reference: optionalText(255),
    shipping: shippingSchema.optional(),
    shipping_info: shippingInfoListSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to update' });
export type TransactionUpdateRequest = z.infer<typeof transactionUpdateSchema>;

export const captureCreateSchema = z
  .strictObject({
    amount: positiveAmountSchema,
    capture_reference: optionalText(255),
    line_items: lineItemsSchema.optional(),
    shipping_info: shippingInfoListSchema.optional(),
  })
  .superRefine(linesMatch('amount'));
export type CaptureCreateRequest = z.infer<typeof captureCreateSchema>;

export const refundCreateSchema = z
  .strictObject({
    amount: positiveAmountSchema,
    refund_reference: optionalText(255),
    description: optionalText(255),
    line_items: lineItemsSchema.optional(),
  })
  .superRefine(linesMatch('amount'));
export type RefundCreateRequest = z.infer<typeof refundCreateSchema>;

export const voidSchema = z.strictObject({});

/** New amount, lines and/or shipping address; all optional (none: just a fresh expiry). */
export const reauthorizeSchema = z
  .strictObject({
    amount: amountSchema.optional(),
    line_items: lineItemsSchema.optional(),
    shipping: shippingSchema.optional(),
  })
  .superRefine(linesMatch('amount'));
export type ReauthorizeRequest = z.infer<typeof reauthorizeSchema>;

export const refundSchema = z
  .object({
    payment_refund_id: z.string(),
    refund_reference: z.string().nullish(),
    amount: z.number().int(),
    /** The capture it was made against; null for a refund of the transaction. */
    payment_capture_id: z.string().nullish(),
    /** How the refund is spread over the captures (ours). */
    allocations: z.array(z.object({ payment_capture_id: z.string(), amount: z.number().int() }).loose()).nullish(),
    description: z.string().nullish(),
    line_items: z.array(looseLine).nullish(),
    created_at: z.string(),
  })
  .loose();
export type Refund = z.infer<typeof refundSchema>;

export const captureSchema = z
  .object({
    payment_capture_id: z.string(),
    capture_reference: z.string().nullish(),
    amount: z.number().int(),
    refunded_amount: z.number().int(),
    line_items: z.array(looseLine).nullish(),
    shipping_info: z.array(z.object({}).loose()).nullish(),
    refunds: z.array(refundSchema).nullish(),
    created_at: z.string(),
  })
  .loose();
export type Capture = z.infer<typeof captureSchema>;

export const paymentTransactionSchema = z
  .object({
    payment_transaction_id: z.string(),
    payment_request_id: z.string().nullish(),
    state: openEnum(paymentTransactionStates),
    currency: z.string(),
    authorized_amount: z.number().int(),
    captured_amount: z.number().int(),
    refunded_amount: z.number().int(),
    remaining_authorized_amount: z.number().int(),
    merchant_reference: z.string().nullish(),
    payment_reference: z.string().nullish(),
    purchase_country: z.string().nullish(),
    line_items: z.array(looseLine).nullish(),
    shipping: z.object({}).loose().nullish(),
    shipping_info: z.array(z.object({}).loose()).nullish(),
    captures: z.array(captureSchema),
    refunds: z.array(refundSchema),
    /** Ours: the part of the authorization given up (void, completion after expiry). */
    released_amount: z.number().int().nullish(),
    /** Ours: how many operations changed it; orders changes that share one `updated_at`. */
    operations_count: z.number().int().nullish(),
    /** Ours: when it was voided (seed: no further updates are allowed after a void). */
    voided_at: z.string().nullish(),
    payment_pricing: paymentPricingSchema.nullish(),
    expires_at: z.string().nullish(),
    state_expires_at: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .loose();
export type PaymentTransaction = z.infer<typeof paymentTransactionSchema>;

export const captureResultSchema = z
  .object({ capture: captureSchema, payment_transaction: paymentTransactionSchema })
  .loose();
export const refundResultSchema = z
  .object({ refund: refundSchema, payment_transaction: paymentTransactionSchema })
  .loose();

// Webhook payloads the sandbox sends (what the dashboard's handlers read).
export const paymentRequestEventPayloadSchema = z
  .object({
    payment_request_id: z.string(),
    state: openEnum(paymentRequestStates),
    previous_state: openEnum(paymentRequestStates).nullish(),
    payment_confirmation_token: z.string().nullish(),
    payment_transaction_id: z.string().nullish(),
  })
  .loose();
export const paymentTransactionEventPayloadSchema = z
  .object({
    payment_transaction_id: z.string(),
    state: openEnum(paymentTransactionStates),
    previous_state: openEnum(paymentTransactionStates).nullish(),
    currency: z.string(),
    authorized_amount: z.number().int(),
    captured_amount: z.number().int(),
    refunded_amount: z.number().int(),
    remaining_authorized_amount: z.number().int(),
    operations_count: z.number().int().nullish(),
    updated_at: z.string().nullish(),
  })
  .loose();
