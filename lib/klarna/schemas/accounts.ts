import { z } from 'zod';
import { isKnownMcc } from '../mcc';
import { openEnum } from './open';

/** Merchant accounts (seed, "Onboard and manage merchants"); requests strict, responses keep unknown fields. */

export const accountStates = ['PARTIALLY_OPERATIONAL', 'OPERATIONAL', 'DISABLED'] as const;
export type AccountState = (typeof accountStates)[number];
export const productStates = ['ENABLED', 'DISABLED', 'TERMINATED'] as const;
export type ProductState = (typeof productStates)[number];
export const channelTypes = ['WEBSITE', 'PHYSICAL_STORE', 'MOBILE_APP'] as const;
export type ChannelType = (typeof channelTypes)[number];
export const businessEntityTypes = [
  'SOLE_PROPRIETORSHIP',
  'PARTNERSHIP',
  'LIMITED_LIABILITY_COMPANY',
  'CORPORATION',
  'NON_PROFIT',
  'GOVERNMENT_ENTITY',
  'OTHER',
] as const;

/** The seed: "There is a limitation of one website channel per account". */
export const MAX_WEBSITE_CHANNELS = 1;

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `at most ${max} characters`).optional();
/** E.164, as the seed's samples (`+18445527621`). */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an international number like +18445527621');
export const emailSchema = z
  .string()
  .trim()
  .max(254, 'at most 254 characters')
  .pipe(z.email('must be an email address'));
/** An https URL (http only for localhost, for local testing). */
export const webUrlSchema = z
  .string()
  .trim()
  .max(2048, 'at most 2048 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname))
      );
    } catch {
      return false;
    }
  }, 'must be an https URL such as https://example.com');
export const countrySchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code such as US');
export const mccSchema = z
  .string()
  .trim()
  .regex(/^\d{4}$/, 'must be a four-digit merchant category code')
  .refine(isKnownMcc, 'is not a merchant category code Klarna accepts');
/** `collection_reference`: the partner's own key for a channel collection. */
export const collectionReferenceSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits, dot, dash and underscore only');

export const accountOwnerSchema = z.strictObject({
  given_name: text(100),
  family_name: text(100),
  email: emailSchema,
  phone: phoneSchema,
});
export type AccountOwner = z.infer<typeof accountOwnerSchema>;

export const addressSchema = z.strictObject({
  street_address: text(200),
  street_address2: optionalText(200),
  postal_code: text(20),
  city: text(100),
  region: optionalText(100),
  country: countrySchema,
});
export type Address = z.infer<typeof addressSchema>;

/** Seed, "Sample business data". */
export const businessInformationSchema = z.strictObject({
  business_name: text(200),
  business_entity_type: z.enum(businessEntityTypes, { message: `must be one of ${businessEntityTypes.join(', ')}` }),
  registration_authority: optionalText(200),
  registration_number: optionalText(100),
  tax_registration_number: optionalText(100),
  financial_registration_number: optionalText(100),
  operating_address: addressSchema.optional(),
  registration_address: addressSchema.optional(),
});
export type BusinessInformation = z.infer<typeof businessInformationSchema>;
export const businessInformationUpdateSchema = businessInformationSchema.partial();
export type BusinessInformationUpdate = z.infer<typeof businessInformationUpdateSchema>;

export const productRequestSchema = z.strictObject({
  // The seed prints both PAYMENT and PAYMENTS; PAYMENT is the product type everywhere else.
  type: z.literal('PAYMENT', { message: 'must be PAYMENT' }),
  merchant_category_code: mccSchema,
  distribution_profile_id: z.string().trim().min(1).optional(),
});

// Channels as the onboarding body writes them (seed: `websites`, `physical-stores`).
export const websiteChannelInputSchema = z.strictObject({
  name: optionalText(100),
  urls: z.array(webUrlSchema).min(1, 'needs at least one URL').max(10, 'at most 10 URLs'),
  collection_reference: collectionReferenceSchema.optional(),
});
export const storeChannelInputSchema = z.strictObject({
  name: text(100),
  address: addressSchema.optional(),
  collection_reference: collectionReferenceSchema.optional(),
});
export const appChannelInputSchema = z.strictObject({
  name: text(100),
  app_store_urls: z.array(webUrlSchema).max(5, 'at most 5 store links').optional(),
  collection_reference: collectionReferenceSchema.optional(),
});

export const onboardChannelSchema = z
  .strictObject({
    websites: z
      .array(websiteChannelInputSchema)
      .max(MAX_WEBSITE_CHANNELS, 'an account can have only one website channel')
      .optional(),
    'physical-stores': z.array(storeChannelInputSchema).max(50, 'at most 50 stores').optional(),
    'mobile-apps': z.array(appChannelInputSchema).max(10, 'at most 10 apps').optional(),
  })
  .refine(
    (c) => (c.websites?.length ?? 0) + (c['physical-stores']?.length ?? 0) + (c['mobile-apps']?.length ?? 0) > 0,
    {
      message: 'needs at least one channel: a website, a physical store or a mobile app',
    },
  );
export type OnboardChannel = z.infer<typeof onboardChannelSchema>;

export const onboardRequestSchema = z.strictObject({
  account_reference: text(64),
  account_name: text(200),
  account_owner: accountOwnerSchema,
  business_information: businessInformationSchema.optional(),
  products: z.array(productRequestSchema).min(1, 'needs a payment product').max(1, 'one payment product per account'),
  channel: onboardChannelSchema,
  /** Seed, "Settlement configuration": only partners that settle differently per entity give one. */
  settlement_configuration_id: z.string().trim().min(1).optional(),
});
export type OnboardRequest = z.infer<typeof onboardRequestSchema>;
export const onboardResponseSchema = z.object({ account_id: z.string() }).loose();

export const accountUpdateRequestSchema = z
  .strictObject({
    account_reference: text(64).optional(),
    account_name: text(200).optional(),
    account_owner: accountOwnerSchema.partial().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to update' });
export type AccountUpdateRequest = z.infer<typeof accountUpdateRequestSchema>;

export const productSchema = z
  .object({
    product_instance_id: z.string(),
    type: z.string(),
    merchant_category_code: z.string(),
    state: openEnum(productStates),
    distribution_profile_id: z.string().nullish(),
    price_plan_id: z.string().nullish(),
    updated_at: z.string().optional(),
  })
  .loose();
export type Product = z.infer<typeof productSchema>;

export const accountSchema = z
  .object({
    account_id: z.string(),
    account_reference: z.string(),
    account_name: z.string(),
    state: openEnum(accountStates),
    account_owner: z
      .object({ given_name: z.string(), family_name: z.string(), email: z.string(), phone: z.string() })
      .partial()
      .loose(),
    products: z.array(productSchema),
    settlement_configuration_id: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .loose();
export type Account = z.infer<typeof accountSchema>;
export const accountListSchema = z.object({ accounts: z.array(accountSchema), has_more: z.boolean() }).loose();
export const ACCOUNT_LIST_MAX = 100;

export const businessInformationResponseSchema = z
  .object({
    business_name: z.string().nullish(),
    business_entity_type: openEnum(businessEntityTypes).nullish(),
    registration_authority: z.string().nullish(),
    registration_number: z.string().nullish(),
    tax_registration_number: z.string().nullish(),
    financial_registration_number: z.string().nullish(),
    operating_address: z.object({}).loose().nullish(),
    registration_address: z.object({}).loose().nullish(),
  })
  .loose();

export const productActionResponseSchema = productSchema;

// Channels as a resource (`/v1/accounts/{account_id}/channels`).
export const channelCreateRequestSchema = z.discriminatedUnion('type', [
  websiteChannelInputSchema.extend({ type: z.literal('WEBSITE') }),
  storeChannelInputSchema.extend({ type: z.literal('PHYSICAL_STORE') }),
  appChannelInputSchema.extend({ type: z.literal('MOBILE_APP') }),
]);
export type ChannelCreateRequest = z.infer<typeof channelCreateRequestSchema>;
/** The type of a channel never changes; `collection_reference: null` unassigns its collection. */
export const channelUpdateRequestSchema = z
  .strictObject({
    name: optionalText(100),
    urls: z.array(webUrlSchema).min(1, 'needs at least one URL').max(10, 'at most 10 URLs').optional(),
    address: addressSchema.optional(),
    app_store_urls: z.array(webUrlSchema).max(5, 'at most 5 store links').optional(),
    collection_reference: collectionReferenceSchema.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to update' });
export type ChannelUpdateRequest = z.infer<typeof channelUpdateRequestSchema>;

export const channelSchema = z
  .object({
    channel_id: z.string(),
    type: openEnum(channelTypes),
    name: z.string().nullish(),
    urls: z.array(z.string()).nullish(),
    address: z.object({}).loose().nullish(),
    app_store_urls: z.array(z.string()).nullish(),
    collection_reference: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .loose();
export type Channel = z.infer<typeof channelSchema>;
export const channelListSchema = z.object({ channels: z.array(channelSchema) }).loose();

// Channel collections (seed, "Channel collections": branding, support, social links).
export const socialPlatforms = [
  'FACEBOOK',
  'INSTAGRAM',
  'X',
  'TIKTOK',
  'YOUTUBE',
  'LINKEDIN',
  'PINTEREST',
  'OTHER',
] as const;
const collectionBody = {
  branding: z
    .strictObject({
      display_name: text(100),
      logo_url: webUrlSchema.optional(),
      icon_url: webUrlSchema.optional(),
      brand_color: z
        .string()
        .trim()
        .regex(/^#[0-9A-Fa-f]{6}$/, 'must be a hex colour like #FFB3C7')
        .optional(),
    })
    .optional(),
  support: z
    .strictObject({
      email: emailSchema.optional(),
      phone: phoneSchema.optional(),
      url: webUrlSchema.optional(),
      returns_url: webUrlSchema.optional(),
    })
    .optional(),
  social_links: z
    .array(
      z.strictObject({
        platform: z.enum(socialPlatforms, { message: `must be one of ${socialPlatforms.join(', ')}` }),
        url: webUrlSchema,
      }),
    )
    .max(10, 'at most 10 links')
    .optional(),
};
export const channelCollectionCreateRequestSchema = z.strictObject({
  collection_reference: collectionReferenceSchema,
  ...collectionBody,
});
export type ChannelCollectionCreateRequest = z.infer<typeof channelCollectionCreateRequestSchema>;
export const channelCollectionUpdateRequestSchema = z
  .strictObject(collectionBody)
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to update' });
export type ChannelCollectionUpdateRequest = z.infer<typeof channelCollectionUpdateRequestSchema>;

export const channelCollectionSchema = z
  .object({
    collection_reference: z.string(),
    branding: z
      .object({
        display_name: z.string().optional(),
        logo_url: z.string().optional(),
        icon_url: z.string().optional(),
        brand_color: z.string().optional(),
      })
      .loose()
      .nullish(),
    support: z
      .object({
        email: z.string().optional(),
        phone: z.string().optional(),
        url: z.string().optional(),
        returns_url: z.string().optional(),
      })
      .loose()
      .nullish(),
    social_links: z.array(z.object({ platform: z.string(), url: z.string() }).loose()).nullish(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .loose();
export type ChannelCollection = z.infer<typeof channelCollectionSchema>;
export const channelCollectionListSchema = z.object({ channel_collections: z.array(channelCollectionSchema) }).loose();

// Read-only configuration Klarna assigns (seed, "Step 3: Account configuration management").
/**
 * `payment_pricing.rate` (seed, "How pricing works"): `fixed` in minor units per capture, `variable`
 * as percent × 1 000 000 (1.7 % = 1 700 000); `tax` is the VAT on Klarna's fees, the same way.
 */
export const pricingRateSchema = z
  .object({
    fixed: z.number().int(),
    variable: z.number().int(),
    tax: z.object({ fixed: z.number().int(), variable: z.number().int() }).loose().nullish(),
  })
  .loose();
export type PricingRate = z.infer<typeof pricingRateSchema>;
/** `variable` and `tax.variable` are percent × this. */
export const RATE_VARIABLE_SCALE = 1_000_000;

export const pricePlanRateSchema = z
  .object({
    market: z.string(),
    currency: z.string(),
    channel_type: openEnum(channelTypes).nullish(),
    rate: pricingRateSchema,
  })
  .loose();
export const pricePlanSchema = z
  .object({
    price_plan_id: z.string(),
    name: z.string(),
    merchant_category_codes: z.array(z.string()),
    rates: z.array(pricePlanRateSchema),
  })
  .loose();
export type PricePlan = z.infer<typeof pricePlanSchema>;
export const pricePlanListSchema = z.object({ price_plans: z.array(pricePlanSchema) }).loose();

export const payoutFrequencies = ['DAILY', 'WEEKLY', 'MONTHLY'] as const;
export const settlementConfigurationSchema = z
  .object({
    settlement_configuration_id: z.string(),
    name: z.string(),
    payout_schedule: z.object({ frequency: openEnum(payoutFrequencies), delay_days: z.number().int() }).loose(),
    settling_entity: z.string(),
    bank_account: z.object({ holder: z.string(), iban_last4: z.string(), bic: z.string().nullish() }).loose(),
    currencies: z.array(z.string()),
    payout_prefix: z.string(),
  })
  .loose();
export type SettlementConfiguration = z.infer<typeof settlementConfigurationSchema>;
export const settlementConfigurationListSchema = z
  .object({ settlement_configurations: z.array(settlementConfigurationSchema) })
  .loose();

export const distributionProfileSchema = z.object({ distribution_profile_id: z.string(), name: z.string() }).loose();
export const distributionProfileListSchema = z
  .object({ distribution_profiles: z.array(distributionProfileSchema) })
  .loose();

// Portal deep links (seed, "Creating a deep link").
export const DEEP_LINK_TTL_SECONDS = 60;
export const deepLinkRequestSchema = z.strictObject({
  user_reference: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(255, 'at most 255 characters')
    .refine((v) => !v.includes('@'), 'must not be a personal identifier such as an email address'),
  roles: z.array(z.string().trim().min(1).max(100)).max(20, 'at most 20 roles').optional(),
});
export type DeepLinkRequest = z.infer<typeof deepLinkRequestSchema>;
export const deepLinkSchema = z.object({ url: z.string(), expires_at: z.string() }).loose();

// Account lifecycle webhooks (seed, "Account lifecycle webhooks", "Step 3").
export const accountStateChangePayloadSchema = z
  .object({
    account_reference: z.string().optional(),
    state: openEnum(accountStates),
    previous_state: openEnum(accountStates).nullish(),
  })
  .loose();
export const productStateChangePayloadSchema = z
  .object({
    account_reference: z.string().optional(),
    product_instance_id: z.string().optional(),
    state: openEnum(productStates),
    previous_state: openEnum(productStates).nullish(),
  })
  .loose();
