import { merchantCategoryCodes } from '../../lib/klarna/mcc';
import type { PricePlan, SettlementConfiguration } from '../../lib/klarna/schemas/accounts';

/**
 * The read-only configuration Klarna assigns to the partner (seed, "Step 3: Account
 * configuration management"): distribution profiles, price plans and settlement
 * configurations. Fixed ids, so tests and the dashboard's fixtures can name them. Everything
 * here but the seed's distribution profile id is ours.
 */

export type DistributionProfile = { distribution_profile_id: string; name: string; default: boolean };

/** The seed's onboarding examples all name the first one; it is also what an account gets when none is given. */
export const distributionProfiles: DistributionProfile[] = [
  {
    distribution_profile_id: 'krn:partner:global:account:distribution-profile:206bbb83-9b6e-46fa-940d-337153c04a58',
    name: 'Klarna payments – all payment methods',
    default: true,
  },
  {
    distribution_profile_id: 'krn:partner:global:account:distribution-profile:5d0c2f1e-7a4b-4c86-9f3e-2b8d1a6c4e90',
    name: 'Klarna payments – pay now only',
    default: false,
  },
];
export const defaultDistributionProfile = distributionProfiles.find((p) => p.default)!;

/** Fixed fees in minor units; variable fees in basis points here, written out as the seed's percent × 1 000 000. */
type RateRow = {
  market: string;
  currency: string;
  online: [fixed: number, bps: number];
  store: [fixed: number, bps: number];
};

/** VAT Klarna charges on its fees per market, percent × 1 000 000 (ours; no VAT on fees in the US). */
const VAT_ON_FEES: Record<string, number> = {
  US: 0,
  GB: 20_000_000,
  DE: 19_000_000,
  FR: 20_000_000,
  IT: 22_000_000,
  SE: 25_000_000,
};
const rate = (market: string, [fixed, bps]: [number, number]) => ({
  fixed,
  variable: bps * 10_000,
  tax: { fixed: 0, variable: VAT_ON_FEES[market] ?? 0 },
});

/**
 * A rate with `channel_type: null` applies to every channel type without a rate of its own
 * (websites and mobile apps here); physical stores have their own, lower one.
 */
function rates(rows: RateRow[]): PricePlan['rates'] {
  return rows.flatMap((r) => [
    { market: r.market, currency: r.currency, channel_type: null, rate: rate(r.market, r.online) },
    { market: r.market, currency: r.currency, channel_type: 'PHYSICAL_STORE', rate: rate(r.market, r.store) },
  ]);
}

const RESTAURANT_MCCS = ['5462', '5812', '5814'];
const TRAVEL_MCCS = ['4411', '4511', '4722', '7011', '7512'];

export const pricePlans: (PricePlan & { default: boolean })[] = [
  {
    price_plan_id: 'krn:partner:global:pricing:payments:price-plan:9c1d7e52-3f0a-4b6e-8d21-5a7f3c9e0b14',
    name: 'Standard retail',
    // Every code no other plan lists; it is also the plan for a code nobody lists.
    merchant_category_codes: Object.keys(merchantCategoryCodes).filter(
      (code) => !RESTAURANT_MCCS.includes(code) && !TRAVEL_MCCS.includes(code),
    ),
    default: true,
    rates: rates([
      { market: 'US', currency: 'USD', online: [30, 299], store: [30, 249] },
      { market: 'GB', currency: 'GBP', online: [20, 299], store: [20, 249] },
      { market: 'DE', currency: 'EUR', online: [35, 289], store: [25, 239] },
      { market: 'FR', currency: 'EUR', online: [35, 289], store: [25, 239] },
      { market: 'IT', currency: 'EUR', online: [35, 289], store: [25, 239] },
      { market: 'SE', currency: 'SEK', online: [300, 279], store: [200, 229] },
    ]),
  },
  {
    price_plan_id: 'krn:partner:global:pricing:payments:price-plan:4e8b2a90-6c1f-4d37-a5e3-0f9d8b7c6a25',
    name: 'Restaurants & food',
    merchant_category_codes: RESTAURANT_MCCS,
    default: false,
    rates: rates([
      { market: 'US', currency: 'USD', online: [20, 249], store: [10, 199] },
      { market: 'GB', currency: 'GBP', online: [15, 249], store: [10, 199] },
      { market: 'DE', currency: 'EUR', online: [20, 239], store: [10, 189] },
      { market: 'FR', currency: 'EUR', online: [20, 239], store: [10, 189] },
      { market: 'SE', currency: 'SEK', online: [200, 229], store: [100, 179] },
    ]),
  },
  {
    price_plan_id: 'krn:partner:global:pricing:payments:price-plan:b73f05c8-1e2d-4a9b-9c64-8d5e2f1a0c37',
    name: 'Travel & hospitality',
    merchant_category_codes: TRAVEL_MCCS,
    default: false,
    rates: rates([
      { market: 'US', currency: 'USD', online: [40, 329], store: [40, 279] },
      { market: 'GB', currency: 'GBP', online: [30, 329], store: [30, 279] },
      { market: 'DE', currency: 'EUR', online: [40, 319], store: [30, 269] },
    ]),
  },
];
export const defaultPricePlan = pricePlans.find((p) => p.default)!;

/** The plan Klarna prices a merchant category code with: the one that lists it, else the default. */
export function pricePlanFor(mcc: string) {
  return pricePlans.find((p) => !p.default && p.merchant_category_codes.includes(mcc)) ?? defaultPricePlan;
}

const ALL_CURRENCIES = ['EUR', 'USD', 'GBP', 'SEK', 'NOK', 'DKK', 'CHF', 'PLN', 'AUD', 'CAD', 'NZD'];

/**
 * The seed's two partner models: LocalPay settles everything to one bank account (the
 * default, used when onboarding names no configuration), GloboPay settles per region (here:
 * merchants onboarded by the UK entity, all currencies, to a UK account).
 */
export const settlementConfigurations: (SettlementConfiguration & { default: boolean; description: string })[] = [
  {
    settlement_configuration_id:
      'krn:partner:global:payment:settlement-configuration:1f6a3c2e-8b4d-4e7f-9a01-2c3d4e5f6a7b',
    name: 'Global payouts',
    description: 'Every merchant, every currency, to the partner’s global account (the default).',
    default: true,
    payout_schedule: { frequency: 'DAILY', delay_days: 2 },
    settling_entity: 'Sandbox Acquiring Partner B.V.',
    bank_account: { holder: 'Sandbox Acquiring Partner B.V.', iban_last4: '4321', bic: 'ABNANL2A' },
    currencies: ALL_CURRENCIES,
    payout_prefix: 'KLNGLB',
  },
  {
    settlement_configuration_id:
      'krn:partner:global:payment:settlement-configuration:7d2e9b14-5c3a-4f86-b0e1-9a8b7c6d5e4f',
    name: 'United Kingdom entity',
    description: 'Merchants onboarded in the UK, every currency, to the UK entity’s account.',
    default: false,
    payout_schedule: { frequency: 'WEEKLY', delay_days: 3 },
    settling_entity: 'Sandbox Acquiring Partner UK Ltd',
    bank_account: { holder: 'Sandbox Acquiring Partner UK Ltd', iban_last4: '8765', bic: 'BARCGB22' },
    currencies: ALL_CURRENCIES,
    payout_prefix: 'KLNUK',
  },
];
export const defaultSettlementConfiguration = settlementConfigurations.find((c) => c.default)!;
