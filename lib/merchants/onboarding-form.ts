import { z } from 'zod';
import { fieldErrorsByPath } from '@/lib/klarna/parameter-path';
import { onboardRequestSchema } from '@/lib/klarna/schemas/accounts';

/** Each value sits at the Klarna parameter path it is sent under, so every error keys like its input. */

export const onboardingSteps = [
  { id: 'account', title: 'Account' },
  { id: 'business', title: 'Business information' },
  { id: 'product', title: 'Payment product' },
  { id: 'channels', title: 'Channels' },
  { id: 'settlement', title: 'Settlement' },
  { id: 'review', title: 'Review' },
] as const;
export const REVIEW_STEP = onboardingSteps.length - 1;

export type AddressForm = {
  street_address: string;
  street_address2: string;
  postal_code: string;
  city: string;
  region: string;
  country: string;
};
export type WebsiteForm = { name: string; urls: string[]; collection_reference: string };
export type StoreForm = { name: string; address: AddressForm; collection_reference: string };
export type AppForm = { name: string; app_store_urls: string[]; collection_reference: string };
export type ProductForm = { merchant_category_code: string; distribution_profile_id: string };
export type BusinessForm = {
  business_name: string;
  business_entity_type: string;
  registration_authority: string;
  registration_number: string;
  tax_registration_number: string;
  financial_registration_number: string;
  operating_address: AddressForm;
  registration_address: AddressForm;
};
export type OnboardingForm = {
  account_reference: string;
  account_name: string;
  account_owner: { given_name: string; family_name: string; email: string; phone: string };
  business_information: BusinessForm;
  products: [ProductForm];
  channel: { websites: WebsiteForm[]; 'physical-stores': StoreForm[]; 'mobile-apps': AppForm[] };
  settlement_configuration_id: string;
};
export type ChannelKind = keyof OnboardingForm['channel'];

export type FieldErrors = Record<string, string[]>;

export const emptyAddress = (): AddressForm => ({
  street_address: '',
  street_address2: '',
  postal_code: '',
  city: '',
  region: '',
  country: '',
});
export const emptyWebsite = (): WebsiteForm => ({ name: '', urls: [''], collection_reference: '' });
export const emptyStore = (): StoreForm => ({ name: '', address: emptyAddress(), collection_reference: '' });
export const emptyApp = (): AppForm => ({ name: '', app_store_urls: [], collection_reference: '' });

export function emptyOnboardingForm(): OnboardingForm {
  return {
    account_reference: '',
    account_name: '',
    account_owner: { given_name: '', family_name: '', email: '', phone: '' },
    business_information: {
      business_name: '',
      business_entity_type: '',
      registration_authority: '',
      registration_number: '',
      tax_registration_number: '',
      financial_registration_number: '',
      operating_address: emptyAddress(),
      registration_address: emptyAddress(),
    },
    products: [{ merchant_category_code: '', distribution_profile_id: '' }],
    channel: { websites: [], 'physical-stores': [], 'mobile-apps': [] },
    settlement_configuration_id: '',
  };
}

const str = z.string().catch('');
const addressForm = z
  .object({ street_address: str, street_address2: str, postal_code: str, city: str, region: str, country: str })
  .catch(() => emptyAddress());
const urlList = z.array(str).catch(() => []);
const draftFormSchema = z.object({
  account_reference: str,
  account_name: str,
  account_owner: z
    .object({ given_name: str, family_name: str, email: str, phone: str })
    .catch(() => emptyOnboardingForm().account_owner),
  business_information: z
    .object({
      business_name: str,
      business_entity_type: str,
      registration_authority: str,
      registration_number: str,
      tax_registration_number: str,
      financial_registration_number: str,
      operating_address: addressForm,
      registration_address: addressForm,
    })
    .catch(() => emptyOnboardingForm().business_information),
  products: z
    .tuple([z.object({ merchant_category_code: str, distribution_profile_id: str })])
    .catch(() => emptyOnboardingForm().products),
  channel: z
    .object({
      websites: z.array(z.object({ name: str, urls: urlList, collection_reference: str })).catch(() => []),
      'physical-stores': z
        .array(z.object({ name: str, address: addressForm, collection_reference: str }))
        .catch(() => []),
      'mobile-apps': z
        .array(z.object({ name: str, app_store_urls: urlList, collection_reference: str }))
        .catch(() => []),
    })
    .catch(() => emptyOnboardingForm().channel),
  settlement_configuration_id: str,
});

export function formFromDraft(data: unknown): OnboardingForm {
  const parsed = draftFormSchema.safeParse(data ?? {});
  return parsed.success ? (parsed.data as OnboardingForm) : emptyOnboardingForm();
}

export function stepFromDraft(step: unknown): number {
  return typeof step === 'number' && Number.isInteger(step) && step >= 0 && step <= REVIEW_STEP ? step : 0;
}

/** The next account of the same business (seed, "Franchising": one account per franchisee), new name and channels. */
export function nextAccountForBusiness(form: OnboardingForm): OnboardingForm {
  const copy = structuredClone(form);
  return { ...copy, account_name: '', account_reference: '', channel: emptyOnboardingForm().channel };
}

const filled = (value: string) => value.trim() !== '';
const optional = (value: string) => (filled(value) ? value.trim() : undefined);

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function isAddressFilled(address: AddressForm): boolean {
  return Object.values(address).some(filled);
}

/** An address is sent only when any of its fields is filled; then its required fields are sent even if empty, so the schema names them. */
function addressOf(address: AddressForm) {
  if (!isAddressFilled(address)) return undefined;
  return compact({
    street_address: address.street_address.trim(),
    street_address2: optional(address.street_address2),
    postal_code: address.postal_code.trim(),
    city: address.city.trim(),
    region: optional(address.region),
    country: address.country.trim(),
  });
}

export function isBusinessInformationFilled(business: BusinessForm): boolean {
  const { operating_address, registration_address, ...rest } = business;
  return (
    Object.values(rest).some(filled) || isAddressFilled(operating_address) || isAddressFilled(registration_address)
  );
}

/** The exact `POST /v1/accounts/onboard` body; required values are sent as typed, so errors land at their own path. */
export function toOnboardRequest(form: OnboardingForm): Record<string, unknown> {
  const b = form.business_information;
  const product = form.products[0];
  const channel = form.channel;
  return compact({
    account_reference: form.account_reference.trim(),
    account_name: form.account_name.trim(),
    account_owner: {
      given_name: form.account_owner.given_name.trim(),
      family_name: form.account_owner.family_name.trim(),
      email: form.account_owner.email.trim(),
      phone: form.account_owner.phone.trim(),
    },
    business_information: isBusinessInformationFilled(b)
      ? compact({
          business_name: b.business_name.trim(),
          business_entity_type: b.business_entity_type.trim(),
          registration_authority: optional(b.registration_authority),
          registration_number: optional(b.registration_number),
          tax_registration_number: optional(b.tax_registration_number),
          financial_registration_number: optional(b.financial_registration_number),
          operating_address: addressOf(b.operating_address),
          registration_address: addressOf(b.registration_address),
        })
      : undefined,
    products: [
      compact({
        type: 'PAYMENT',
        merchant_category_code: product.merchant_category_code.trim(),
        distribution_profile_id: optional(product.distribution_profile_id),
      }),
    ],
    channel: compact({
      websites: channel.websites.length
        ? channel.websites.map((w) =>
            compact({
              name: optional(w.name),
              urls: w.urls.map((u) => u.trim()),
              collection_reference: optional(w.collection_reference),
            }),
          )
        : undefined,
      'physical-stores': channel['physical-stores'].length
        ? channel['physical-stores'].map((s) =>
            compact({
              name: s.name.trim(),
              address: addressOf(s.address),
              collection_reference: optional(s.collection_reference),
            }),
          )
        : undefined,
      'mobile-apps': channel['mobile-apps'].length
        ? channel['mobile-apps'].map((a) =>
            compact({
              name: a.name.trim(),
              app_store_urls: a.app_store_urls.length ? a.app_store_urls.map((u) => u.trim()) : undefined,
              collection_reference: optional(a.collection_reference),
            }),
          )
        : undefined,
    }),
    settlement_configuration_id: optional(form.settlement_configuration_id),
  });
}

/** The wizard step (index into onboardingSteps) whose inputs hold a parameter path; anything unknown belongs to the review. */
export function stepOfField(path: string): number {
  if (/^account_(name|reference|owner)\b/.test(path)) return 0;
  if (path.startsWith('business_information')) return 1;
  if (path.startsWith('products')) return 2;
  if (path.startsWith('channel')) return 3;
  if (path.startsWith('settlement_configuration_id')) return 4;
  return REVIEW_STEP;
}

export function validateOnboarding(form: OnboardingForm): FieldErrors {
  const result = onboardRequestSchema.safeParse(toOnboardRequest(form));
  if (result.success) return {};
  return fieldErrorsByPath(result.error.issues);
}

export function errorsOfStep(errors: FieldErrors, step: number): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([path]) => stepOfField(path) === step));
}

export function validateStep(form: OnboardingForm, step: number): FieldErrors {
  return step === REVIEW_STEP ? validateOnboarding(form) : errorsOfStep(validateOnboarding(form), step);
}

export function firstStepWithError(errors: FieldErrors): number | null {
  const steps = Object.keys(errors).map(stepOfField);
  return steps.length ? Math.min(...steps) : null;
}

const addressPaths = (prefix: string) => Object.keys(emptyAddress()).map((k) => `${prefix}.${k}`);

/** Paths the wizard shows errors at; an error at any other path goes to the step's summary, so none is dropped. */
export function shownErrorPaths(form: OnboardingForm): Set<string> {
  const paths = [
    'account_reference',
    'account_name',
    ...Object.keys(form.account_owner).map((k) => `account_owner.${k}`),
    ...[
      'business_name',
      'business_entity_type',
      'registration_authority',
      'registration_number',
      'tax_registration_number',
      'financial_registration_number',
    ].map((k) => `business_information.${k}`),
    ...addressPaths('business_information.operating_address'),
    ...(isAddressFilled(form.business_information.registration_address)
      ? addressPaths('business_information.registration_address')
      : []),
    'products[0].merchant_category_code',
    'products[0].distribution_profile_id',
    'channel',
    'channel.websites',
    'channel.physical-stores',
    'channel.mobile-apps',
    'settlement_configuration_id',
  ];
  form.channel.websites.forEach((w, i) => {
    const at = `channel.websites[${i}]`;
    paths.push(`${at}.name`, `${at}.urls`, `${at}.collection_reference`, ...w.urls.map((_, j) => `${at}.urls[${j}]`));
  });
  form.channel['physical-stores'].forEach((s, i) => {
    const at = `channel.physical-stores[${i}]`;
    paths.push(
      `${at}.name`,
      `${at}.collection_reference`,
      ...(isAddressFilled(s.address) ? addressPaths(`${at}.address`) : []),
    );
  });
  form.channel['mobile-apps'].forEach((a, i) => {
    const at = `channel.mobile-apps[${i}]`;
    paths.push(
      `${at}.name`,
      `${at}.app_store_urls`,
      `${at}.collection_reference`,
      ...a.app_store_urls.map((_, j) => `${at}.app_store_urls[${j}]`),
    );
  });
  return new Set(paths);
}

function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    keys.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return keys;
}

export function getIn(form: OnboardingForm, path: string): unknown {
  let value: unknown = form;
  for (const key of pathKeys(path)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

export function setIn(form: OnboardingForm, path: string, value: unknown): OnboardingForm {
  const keys = pathKeys(path);
  const write = (node: unknown, depth: number): unknown => {
    if (depth === keys.length) return value;
    const key = keys[depth]!;
    const container = (node ?? (typeof key === 'number' ? [] : {})) as Record<string | number, unknown>;
    const copy = (Array.isArray(container) ? [...container] : { ...container }) as Record<string | number, unknown>;
    copy[key] = write(container[key], depth + 1);
    return copy;
  };
  return write(form, 0) as OnboardingForm;
}

export function withoutErrorsAt(errors: FieldErrors, path: string): FieldErrors {
  const below = (key: string) => key === path || key.startsWith(`${path}.`) || key.startsWith(`${path}[`);
  if (!Object.keys(errors).some(below)) return errors;
  return Object.fromEntries(Object.entries(errors).filter(([key]) => !below(key)));
}
