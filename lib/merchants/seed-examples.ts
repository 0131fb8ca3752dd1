import type { OnboardRequest } from '@/lib/klarna/schemas/accounts';

/** The seed's account structure examples ("Step 1: Determine account structure") as onboarding bodies. */
const distributionProfile = 'krn:partner:global:account:distribution-profile:206bbb83-9b6e-46fa-940d-337153c04a58';

export const seedExamples: { structure: 'retail' | 'multi-channel' | 'franchise'; request: OnboardRequest }[] = [
  {
    structure: 'retail',
    request: {
      account_reference: 'M123786123412',
      account_name: 'CoolBrand',
      account_owner: {
        given_name: 'Julia',
        family_name: 'Doe',
        email: 'julia.doe@coolbrand.com',
        phone: '+15555555555',
      },
      products: [{ distribution_profile_id: distributionProfile, type: 'PAYMENT', merchant_category_code: '5691' }],
      channel: { websites: [{ urls: ['https://coolbrand.com'] }] },
    },
  },
  {
    structure: 'multi-channel',
    request: {
      account_reference: 'M123789922222',
      account_name: 'Ivette Croissanterie',
      account_owner: {
        given_name: 'Ivette',
        family_name: 'Doe',
        email: 'ivette@ivettecroissanterie.fr',
        phone: '+49555555555',
      },
      products: [{ distribution_profile_id: distributionProfile, type: 'PAYMENT', merchant_category_code: '5462' }],
      channel: {
        websites: [{ urls: ['https://ivettecroissanterie.fr'] }],
        'physical-stores': [{ name: 'Ivette Croissanterie Joliette' }, { name: 'Ivette Croissanterie Port' }],
      },
    },
  },
  ...(['Maja', 'Liam', 'Vera'] as const).map((owner) => ({
    structure: 'franchise' as const,
    request: {
      account_reference: 'M123789922222',
      account_name: `${owner} WTB`,
      account_owner: {
        given_name: owner,
        family_name: 'Doe',
        email: `${owner.toLowerCase()}.franchisee@wtb.se`,
        phone: '+49555555555',
      },
      products: [
        {
          distribution_profile_id: distributionProfile,
          type: 'PAYMENT' as const,
          merchant_category_code: '5812' as const,
        },
      ],
      channel: {
        'physical-stores':
          owner === 'Vera' ? [1, 2, 3, 4].map((n) => ({ name: `Vera WTB #${n}` })) : [{ name: `${owner} WTB` }],
      },
    },
  })),
];
