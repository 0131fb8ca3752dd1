import type {
  CheckoutPlacementResponse,
  ContentNode,
  MessagePreference,
  MessagingQuery,
  PaymentDescriptorsResponse,
} from '../../lib/klarna/schemas/messaging';

/**
 * Static messaging copy for a few markets. Thresholds are the seed's "Sample payment data"
 * table (major units there, minor units here; the seed says they change and must not be
 * hardcoded by integrators — the sandbox is the one place that pins them). Copy follows the
 * seed's checkout examples; other languages are our translations. Option ids are ours.
 */

type Option = 'PAY_NOW' | 'PAY_IN_N' | 'PAY_LATER' | 'PAY_OVER_TIME';
type Range = { min: number; max: number };
type Market = { currency: string; installments: 3 | 4; ranges: Partial<Record<Option, Range>> };

const range = (min: number, max: number): Range => ({ min: Math.round(min * 100), max: Math.round(max * 100) });

// Pay now = "Pay by Card"; Pay over time = the term loans' lowest min to highest max.
export const markets: Record<string, Market> = {
  US: {
    currency: 'USD',
    installments: 4,
    ranges: {
      PAY_NOW: range(0, 4000),
      PAY_IN_N: range(35, 4000),
      PAY_LATER: range(0, 1000),
      PAY_OVER_TIME: range(149, 10000),
    },
  },
  GB: {
    currency: 'GBP',
    installments: 3,
    ranges: {
      PAY_NOW: range(0, 4000),
      PAY_IN_N: range(30, 2000),
      PAY_LATER: range(1, 600),
      PAY_OVER_TIME: range(250, 5000),
    },
  },
  DE: {
    currency: 'EUR',
    installments: 3,
    ranges: {
      PAY_NOW: range(0, 10000),
      PAY_IN_N: range(25, 10000),
      PAY_LATER: range(0.1, 10000),
      PAY_OVER_TIME: range(25, 10000),
    },
  },
  SE: {
    currency: 'SEK',
    installments: 3,
    ranges: {
      PAY_NOW: range(0, 100000),
      PAY_IN_N: range(300, 849.99),
      PAY_LATER: range(1, 150000),
      PAY_OVER_TIME: range(250, 150000),
    },
  },
};

type Copy = {
  options: Record<Option, { descriptor: (n: number) => string; subheader: (installment: string, n: number) => string }>;
  /** The single-option and two-option approaches' entry for every option at once (seed l. 2383–2390). */
  all: { descriptor: string; subheader: string };
  checkout: { usp: string; learnMore: string; buyerProtection: string };
  badge: string;
};

const copy: Record<string, Copy> = {
  en: {
    options: {
      PAY_NOW: { descriptor: () => 'Pay now', subheader: () => 'Pay in full today' },
      PAY_IN_N: {
        descriptor: (n) => `Pay in ${n}-interest-free`,
        subheader: (i, n) => `Pay in ${n}-interest-free payments of ${i}`,
      },
      PAY_LATER: { descriptor: () => 'Pay later', subheader: () => 'Pay in 30 days, interest-free' },
      PAY_OVER_TIME: {
        descriptor: () => 'Pay over time',
        subheader: () => 'Split the cost into smaller payments over 6-24 months',
      },
    },
    all: { descriptor: 'All options with Klarna', subheader: 'Pay now, in 30 days or with Financing' },
    checkout: {
      usp: 'Enjoy Buyer Protection with Klarna',
      learnMore: 'See payment options',
      buyerProtection: 'Buyer Protection',
    },
    badge: 'Klarna',
  },
  de: {
    options: {
      PAY_NOW: { descriptor: () => 'Sofort bezahlen', subheader: () => 'Heute vollständig bezahlen' },
      PAY_IN_N: { descriptor: (n) => `In ${n} Raten zinsfrei`, subheader: (i, n) => `${n} zinsfreie Raten von ${i}` },
      PAY_LATER: { descriptor: () => 'Später bezahlen', subheader: () => 'In 30 Tagen bezahlen, zinsfrei' },
      PAY_OVER_TIME: { descriptor: () => 'Ratenkauf', subheader: () => 'In kleineren Raten über 6-24 Monate bezahlen' },
    },
    all: { descriptor: 'Alle Optionen mit Klarna', subheader: 'Sofort, in 30 Tagen oder in Raten bezahlen' },
    checkout: {
      usp: 'Mit Klarna Käuferschutz genießen',
      learnMore: 'Zahlungsoptionen ansehen',
      buyerProtection: 'Käuferschutz',
    },
    badge: 'Klarna',
  },
  sv: {
    options: {
      PAY_NOW: { descriptor: () => 'Betala nu', subheader: () => 'Betala hela beloppet idag' },
      PAY_IN_N: {
        descriptor: (n) => `Dela upp i ${n}, räntefritt`,
        subheader: (i, n) => `${n} räntefria betalningar på ${i}`,
      },
      PAY_LATER: { descriptor: () => 'Betala senare', subheader: () => 'Betala inom 30 dagar, räntefritt' },
      PAY_OVER_TIME: { descriptor: () => 'Delbetala', subheader: () => 'Dela upp kostnaden över 6-24 månader' },
    },
    all: { descriptor: 'Alla alternativ med Klarna', subheader: 'Betala nu, inom 30 dagar eller delbetala' },
    checkout: {
      usp: 'Handla tryggt med Klarnas köparskydd',
      learnMore: 'Se betalningsalternativ',
      buyerProtection: 'Köparskydd',
    },
    badge: 'Klarna',
  },
};

/** The order of the seed's checkout screenshot, with Pay later after Pay in N. */
const optionOrder: Option[] = ['PAY_NOW', 'PAY_IN_N', 'PAY_LATER', 'PAY_OVER_TIME'];
// Klarna's public badge asset (seed, "Static assets").
export const KLARNA_BADGE_URL = 'https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg';
export const LEARN_MORE_URL = 'https://www.klarna.com/international/payment-methods/';
export const BUYER_PROTECTION_URL = 'https://www.klarna.com/international/buyer-protection/';

/** Where Klarna is offered: the locale's market, in its currency (seed: the locale's default when none is given). */
function resolve(query: MessagingQuery): { market: Market; copy: Copy } | null {
  const [language, country] = query.locale.split('-') as [string, string];
  const market = markets[country];
  if (!market || (query.currency !== undefined && query.currency !== market.currency)) return null;
  return { market, copy: copy[language] ?? copy.en! };
}

// The seed's badge node: `{name, alt, url, type}` (l. 2357–2362).
const badge = (c: Copy): ContentNode => ({ name: 'KLARNA_BADGE', alt: c.badge, url: KLARNA_BADGE_URL, type: 'IMAGE' });
const entry = (id: string, descriptor: string, subheader: string, c: Copy) => ({
  payment_option_id: id,
  content: {
    nodes: [
      { name: 'PAYMENT_DESCRIPTOR', type: 'TEXT', value: descriptor },
      { name: 'PAYMENT_DESCRIPTOR_SUBHEADER', type: 'TEXT', value: subheader },
      badge(c),
    ],
  },
});
// Which of our options a preference promotes (seed l. 2323: PAY_NOW, PAY_LATER, PAY_OVER_TIME).
const promoted: Record<Exclude<MessagePreference, 'KLARNA'>, Option> = {
  PAY_NOW: 'PAY_NOW',
  PAY_LATER: 'PAY_LATER',
  PAY_OVER_TIME: 'PAY_OVER_TIME',
};

/**
 * Every option whose range holds the amount (the all-option approach, the default); with
 * `message_preference=KLARNA` one entry for all of them (single-option); with another
 * preference that option and one entry for the rest (two-option, seed l. 2329–2331).
 * None where Klarna is not offered.
 */
export function paymentDescriptors(query: MessagingQuery): PaymentDescriptorsResponse {
  const resolved = resolve(query);
  if (!resolved) return { payment_descriptors: [] };
  const { market, copy: c } = resolved;
  const n = market.installments;
  const amount = query.payment_amount;
  // The seed's example: $544.38 in 4 is $136.09 each (rounded down; the first payment carries the rest).
  const installment = new Intl.NumberFormat(query.locale, { style: 'currency', currency: market.currency }).format(
    Math.floor(amount / n) / 100,
  );
  const available = optionOrder.filter((option) => {
    const r = market.ranges[option];
    return r !== undefined && amount >= r.min && amount <= r.max;
  });
  const optionEntry = (option: Option) =>
    entry(
      option === 'PAY_IN_N' ? `pay-in-${n}` : option.toLowerCase().replace(/_/g, '-'),
      c.options[option].descriptor(n),
      c.options[option].subheader(installment, n),
      c,
    );
  if (!available.length) return { payment_descriptors: [] };
  const preference = query.message_preference;
  if (preference === 'KLARNA') return { payment_descriptors: [entry('klarna', c.all.descriptor, c.all.subheader, c)] };
  if (preference && available.includes(promoted[preference])) {
    return {
      payment_descriptors: [optionEntry(promoted[preference]), entry('klarna', c.all.descriptor, c.all.subheader, c)],
    };
  }
  return { payment_descriptors: available.map(optionEntry) };
}

/** The checkout placement (seed l. 2438–2470): the buyer-protection text, two links and the badge; no nodes where Klarna is not offered. */
export function checkoutPlacement(query: MessagingQuery): CheckoutPlacementResponse {
  const resolved = resolve(query);
  if (!resolved || !paymentDescriptors(query).payment_descriptors.length) return { content: { nodes: [] } };
  const c = resolved.copy;
  return {
    content: {
      nodes: [
        { name: 'TEXT_MAIN', type: 'TEXT', value: c.checkout.usp },
        { name: 'ACTION_LEARN_MORE', url: LEARN_MORE_URL, type: 'ACTION', label: c.checkout.learnMore },
        {
          name: 'ACTION_OPEN_BUYERS_PROTECTION_LINK',
          url: BUYER_PROTECTION_URL,
          type: 'ACTION',
          label: c.checkout.buyerProtection,
        },
        badge(c),
      ],
    },
  };
}
