import { describe, expect, it } from 'vitest';
import { onboardRequestSchema } from '@/lib/klarna/schemas/accounts';
import {
  emptyOnboardingForm,
  emptyStore,
  emptyWebsite,
  errorsOfStep,
  firstStepWithError,
  formFromDraft,
  getIn,
  nextAccountForBusiness,
  REVIEW_STEP,
  setIn,
  shownErrorPaths,
  stepFromDraft,
  stepOfField,
  toOnboardRequest,
  validateOnboarding,
  validateStep,
  withoutErrorsAt,
  type OnboardingForm,
} from './onboarding-form';

const SEED_PROFILE = 'krn:partner:global:account:distribution-profile:206bbb83-9b6e-46fa-940d-337153c04a58';

function form(overrides: (f: OnboardingForm) => void): OnboardingForm {
  const f = emptyOnboardingForm();
  overrides(f);
  return f;
}

// Seed, "Account structure use cases", example 1.
const coolBrand = form((f) => {
  f.account_reference = 'M123786123412';
  f.account_name = 'CoolBrand';
  f.account_owner = {
    given_name: 'Julia',
    family_name: 'Doe',
    email: 'julia.doe@CoolBrand.com',
    phone: '+15555555555',
  };
  f.products = [{ merchant_category_code: '5691', distribution_profile_id: SEED_PROFILE }];
  f.channel.websites = [{ name: '', urls: ['https://CoolBrand.com'], collection_reference: '' }];
});

// Example 3: one website and two physical stores.
const ivette = form((f) => {
  f.account_reference = 'M123789922222';
  f.account_name = 'Ivette Croissanterie';
  f.account_owner = {
    given_name: 'Ivette',
    family_name: 'Doe',
    email: 'Ivette@IvetteCroissanterie.fr',
    phone: '+49555555555',
  };
  f.products = [{ merchant_category_code: '5462', distribution_profile_id: SEED_PROFILE }];
  f.channel.websites = [{ name: '', urls: ['https://IvetteCroissanterie.fr'], collection_reference: '' }];
  f.channel['physical-stores'] = [
    { ...emptyStore(), name: 'Ivette Croissanterie Joliette' },
    { ...emptyStore(), name: 'Ivette Croissanterie Port' },
  ];
});

// Example 4: the franchise as three accounts; Vera has four stores.
const franchisee = (name: string, stores: string[]) =>
  form((f) => {
    f.account_reference = 'M123789922222';
    f.account_name = `${name} WTB`;
    f.account_owner = {
      given_name: name,
      family_name: 'Doe',
      email: `${name.toLowerCase()}.franchisee@wtb.se`,
      phone: '+49555555555',
    };
    f.products = [{ merchant_category_code: '5812', distribution_profile_id: SEED_PROFILE }];
    f.channel['physical-stores'] = stores.map((s) => ({ ...emptyStore(), name: s }));
  });
const williams = [
  franchisee('Maja', ['Maja WTB']),
  franchisee('Liam', ['Liam WTB']),
  franchisee('Vera', ['Vera WTB #1', 'Vera WTB #2', 'Vera WTB #3', 'Vera WTB #4']),
];

describe('toOnboardRequest', () => {
  it('builds the seed payload for CoolBrand exactly', () => {
    expect(toOnboardRequest(coolBrand)).toEqual({
      account_reference: 'M123786123412',
      account_name: 'CoolBrand',
      account_owner: {
        given_name: 'Julia',
        family_name: 'Doe',
        email: 'julia.doe@CoolBrand.com',
        phone: '+15555555555',
      },
      products: [{ type: 'PAYMENT', merchant_category_code: '5691', distribution_profile_id: SEED_PROFILE }],
      channel: { websites: [{ urls: ['https://CoolBrand.com'] }] },
    });
  });

  it('builds bodies the wire schema accepts for the three seed structures', () => {
    for (const f of [coolBrand, ivette, ...williams]) {
      const result = onboardRequestSchema.safeParse(toOnboardRequest(f));
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
      expect(validateOnboarding(f)).toEqual({});
    }
    expect(toOnboardRequest(ivette).channel).toEqual({
      websites: [{ urls: ['https://IvetteCroissanterie.fr'] }],
      'physical-stores': [{ name: 'Ivette Croissanterie Joliette' }, { name: 'Ivette Croissanterie Port' }],
    });
    expect(
      (toOnboardRequest(williams[2]!).channel as { 'physical-stores': unknown[] })['physical-stores'],
    ).toHaveLength(4);
  });

  it('leaves empty optional values out instead of sending ""', () => {
    const body = toOnboardRequest(
      form((f) => {
        Object.assign(f, structuredClone(coolBrand));
        f.products[0].distribution_profile_id = '  ';
        f.channel['physical-stores'] = [{ ...emptyStore(), name: 'Shop', collection_reference: '' }];
        f.channel['mobile-apps'] = [{ name: 'App', app_store_urls: [], collection_reference: '' }];
      }),
    );
    const json = JSON.stringify(body);
    expect(json).not.toContain('""');
    expect(body).not.toHaveProperty('business_information');
    expect(body).not.toHaveProperty('settlement_configuration_id');
    expect(body.products).toEqual([{ type: 'PAYMENT', merchant_category_code: '5691' }]);
    expect(body.channel).toEqual({
      websites: [{ urls: ['https://CoolBrand.com'] }],
      'physical-stores': [{ name: 'Shop' }],
      'mobile-apps': [{ name: 'App' }],
    });
  });

  it('sends business information with the seed sample data, trimmed, without its empty optionals', () => {
    const f = structuredClone(coolBrand);
    f.business_information = {
      ...f.business_information,
      business_name: ' John Doe LLC ',
      business_entity_type: 'LIMITED_LIABILITY_COMPANY',
      registration_authority: 'Ohio',
      registration_number: '12345678',
      tax_registration_number: '999-999-999',
      financial_registration_number: '',
      operating_address: {
        street_address: '800 N. High St',
        street_address2: 'Ste. 400',
        postal_code: '43215',
        city: 'Columbus',
        region: 'OH',
        country: 'US',
      },
    };
    f.settlement_configuration_id = 'krn:partner:global:payment:settlement-configuration:x';
    const body = toOnboardRequest(f);
    expect(body.business_information).toEqual({
      business_name: 'John Doe LLC',
      business_entity_type: 'LIMITED_LIABILITY_COMPANY',
      registration_authority: 'Ohio',
      registration_number: '12345678',
      tax_registration_number: '999-999-999',
      operating_address: {
        street_address: '800 N. High St',
        street_address2: 'Ste. 400',
        postal_code: '43215',
        city: 'Columbus',
        region: 'OH',
        country: 'US',
      },
    });
    expect(body.settlement_configuration_id).toBe('krn:partner:global:payment:settlement-configuration:x');
    expect(onboardRequestSchema.safeParse(body).success).toBe(true);
  });
});

describe('validation', () => {
  it('keys the errors of an empty form by Klarna parameter path', () => {
    const errors = validateOnboarding(emptyOnboardingForm());
    expect(Object.keys(errors)).toEqual(
      expect.arrayContaining([
        'account_reference',
        'account_name',
        'account_owner.given_name',
        'account_owner.email',
        'account_owner.phone',
        'products[0].merchant_category_code',
      ]),
    );
    expect(errors.account_name).toEqual(['is required']);
    expect(errors).not.toHaveProperty('business_information');
  });

  it('names nested paths: a website URL, a store address, a started business section', () => {
    const f = structuredClone(ivette);
    f.channel.websites[0]!.urls = ['https://ok.example', 'http://not-https.example'];
    f.channel['physical-stores'][1]!.address = {
      street_address: 'Quai du Port 1',
      street_address2: '',
      postal_code: '',
      city: 'Marseille',
      region: '',
      country: 'fr',
    };
    f.business_information.business_name = 'Ivette Croissants SARL';
    f.channel['mobile-apps'] = [{ name: '', app_store_urls: [], collection_reference: 'bad ref!' }];
    const errors = validateOnboarding(f);
    expect(errors['channel.websites[0].urls[1]']).toEqual(['must be an https URL such as https://example.com']);
    expect(errors['channel.physical-stores[1].address.postal_code']).toEqual(['is required']);
    expect(errors['channel.physical-stores[1].address.country']?.[0]).toMatch(/two-letter/);
    expect(errors['business_information.business_entity_type']?.[0]).toMatch(/must be one of/);
    expect(errors['channel.mobile-apps[0].name']).toEqual(['is required']);
    expect(errors['channel.mobile-apps[0].collection_reference']?.[0]).toMatch(/letters, digits/);
    for (const path of Object.keys(errors)) expect(shownErrorPaths(f).has(path), path).toBe(true);
  });

  it('asks for at least one channel, at most one website, and a known MCC', () => {
    const f = structuredClone(coolBrand);
    f.channel.websites = [];
    expect(validateOnboarding(f)).toEqual({
      channel: ['needs at least one channel: a website, a physical store or a mobile app'],
    });
    f.channel.websites = [emptyWebsite(), emptyWebsite()].map((w) => ({ ...w, urls: ['https://a.example'] }));
    expect(validateOnboarding(f)['channel.websites']).toEqual(['an account can have only one website channel']);
    f.channel.websites = [{ ...emptyWebsite(), urls: ['https://a.example'] }];
    f.products[0].merchant_category_code = '6011';
    expect(validateOnboarding(f)['products[0].merchant_category_code']).toEqual([
      'is not a merchant category code Klarna accepts',
    ]);
  });

  it('validates one step at a time', () => {
    const f = emptyOnboardingForm();
    expect(Object.keys(validateStep(f, 0)).every((p) => stepOfField(p) === 0)).toBe(true);
    expect(validateStep(f, 1)).toEqual({});
    expect(Object.keys(validateStep(f, 2))).toEqual(['products[0].merchant_category_code']);
    expect(validateStep(f, 4)).toEqual({});
    expect(Object.keys(validateStep(f, REVIEW_STEP)).length).toBeGreaterThan(4);
    expect(validateStep(coolBrand, REVIEW_STEP)).toEqual({});
  });
});

describe('paths and steps', () => {
  it('maps a parameter path to the step that shows its input', () => {
    expect(stepOfField('account_name')).toBe(0);
    expect(stepOfField('account_owner.email')).toBe(0);
    expect(stepOfField('business_information.operating_address.city')).toBe(1);
    expect(stepOfField('products[0].merchant_category_code')).toBe(2);
    expect(stepOfField('products[0].distribution_profile_id')).toBe(2);
    expect(stepOfField('channel.physical-stores[1].collection_reference')).toBe(3);
    expect(stepOfField('channel')).toBe(3);
    expect(stepOfField('settlement_configuration_id')).toBe(4);
    expect(stepOfField('form')).toBe(REVIEW_STEP);
    expect(
      firstStepWithError({ 'channel.websites[0].collection_reference': ['x'], settlement_configuration_id: ['y'] }),
    ).toBe(3);
    expect(firstStepWithError({})).toBeNull();
    expect(errorsOfStep({ account_name: ['a'], channel: ['b'] }, 3)).toEqual({ channel: ['b'] });
  });

  it('reads and writes values by path without touching the original', () => {
    const f = structuredClone(ivette);
    const g = setIn(f, 'channel.physical-stores[1].address.city', 'Marseille');
    expect(getIn(g, 'channel.physical-stores[1].address.city')).toBe('Marseille');
    expect(getIn(f, 'channel.physical-stores[1].address.city')).toBe('');
    expect(g.channel.websites).toBe(f.channel.websites);
    expect(getIn(setIn(f, 'products[0].merchant_category_code', '5411'), 'products[0].merchant_category_code')).toBe(
      '5411',
    );
    expect(
      withoutErrorsAt(
        { 'channel.websites[0].urls[0]': ['x'], 'channel.websites[0]': ['y'], account_name: ['z'] },
        'channel.websites[0]',
      ),
    ).toEqual({ account_name: ['z'] });
  });
});

describe('drafts', () => {
  it('reads back a saved form and fills in what an old or broken draft lacks', () => {
    expect(formFromDraft(JSON.parse(JSON.stringify(ivette)))).toEqual(ivette);
    const partial = formFromDraft({
      account_name: 'Half',
      account_owner: { email: 'a@b.example' },
      channel: { websites: 'nope' },
    });
    expect(partial.account_name).toBe('Half');
    expect(partial.account_owner).toEqual({ given_name: '', family_name: '', email: 'a@b.example', phone: '' });
    expect(partial.channel.websites).toEqual([]);
    expect(partial.products).toEqual([{ merchant_category_code: '', distribution_profile_id: '' }]);
    expect(formFromDraft(null)).toEqual(emptyOnboardingForm());
    expect(stepFromDraft(3)).toBe(3);
    expect(stepFromDraft(9)).toBe(0);
  });

  it('starts the next franchise account with the same owner, business, product and settlement but no name, reference or channels', () => {
    const maja = structuredClone(williams[0]!);
    maja.settlement_configuration_id = 'krn:settlement';
    maja.business_information.business_name = "William's Top Burger";
    const next = nextAccountForBusiness(maja);
    expect(next.account_name).toBe('');
    expect(next.account_reference).toBe('');
    expect(next.channel).toEqual({ websites: [], 'physical-stores': [], 'mobile-apps': [] });
    expect(next.account_owner).toEqual(maja.account_owner);
    expect(next.business_information.business_name).toBe("William's Top Burger");
    expect(next.products).toEqual(maja.products);
    expect(next.settlement_configuration_id).toBe('krn:settlement');
    next.account_owner.given_name = 'Vera';
    expect(maja.account_owner.given_name).toBe('Maja');
  });
});
