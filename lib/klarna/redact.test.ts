import { describe, expect, it } from 'vitest';
import { maskedFieldsSentence, maskEmail, maskName, maskPhone, redact } from './redact';

describe('redaction for the request log', () => {
  it('replaces secrets and card numbers, keeps the rest', () => {
    expect(
      redact({
        description: 'ops key',
        api_key: 'klarna_test_api_abc',
        signing_key: 'sk',
        nested: [{ card_number: '4111111111111111', note: 'paid with 4111 1111 1111 1111 yesterday', cvv: '123' }],
        amount: 1000,
        client_id: 'klarna_test_client_1',
      }),
    ).toEqual({
      description: 'ops key',
      api_key: '[redacted]',
      signing_key: '[redacted]',
      nested: [{ card_number: '[redacted]', note: 'paid with [card …1111] yesterday', cvv: '[redacted]' }],
      amount: 1000,
      client_id: 'klarna_test_client_1',
    });
  });
});

describe('card settlements in the request log', () => {
  it('replace each card’s pci_data and aes_key; the masked fields and the iv stay', () => {
    const settlement = {
      settlement_id: 's-1',
      cards: [
        {
          card_id: 'c-1',
          brand: 'VISA',
          amount: 1250,
          currency: 'EUR',
          reference: 'seller-1',
          pci_data: 'xjE6p2DrNXKnn4h0Pv4eNdhWIuB5KeDdcNEbqsL9',
          iv: 'yT4aVvWrsVV/PdI9uSaOag==',
          aes_key: 'fWAT7lZV3ZnYGOLdv04QEkSQCfR6v81kOrkUBoA6',
        },
      ],
    };
    expect(redact(settlement)).toEqual({
      ...settlement,
      cards: [{ ...settlement.cards[0], pci_data: '[redacted]', aes_key: '[redacted]' }],
    });
  });
});

describe('personal data in the request log', () => {
  it('masks the account owner of an onboarding body as the log shows it, keeping the business data', () => {
    const onboarding = {
      account_reference: 'M-1',
      account_name: 'CoolBrand',
      account_owner: {
        given_name: 'Julia',
        family_name: 'Doe',
        email: 'julia.doe@coolbrand.com',
        phone: '+46701234512',
      },
      business_information: {
        business_name: 'CoolBrand AB',
        operating_address: { street_address: 'Storgatan 1', postal_code: '111 22', city: 'Stockholm', country: 'SE' },
      },
      channel: { websites: [{ urls: ['https://coolbrand.example'] }] },
    };
    expect(redact(onboarding)).toEqual({
      account_reference: 'M-1',
      account_name: 'CoolBrand',
      account_owner: { given_name: 'J***', family_name: 'D***', email: 'j***@coolbrand.com', phone: '+46 *** ** 12' },
      business_information: {
        business_name: 'CoolBrand AB',
        operating_address: { street_address: 'S***', postal_code: '111 22', city: 'Stockholm', country: 'SE' },
      },
      channel: { websites: [{ urls: ['https://coolbrand.example'] }] },
    });
  });

  it('masks a shopper on a payment, date of birth included, and leaves empty or missing values alone', () => {
    expect(
      redact({
        customer: {
          given_name: 'åsa',
          email: 'a@b.se',
          phone: '+18445527621',
          date_of_birth: '1970-10-07',
          address: { street_address2: '', city: 'Malmö' },
        },
        amount: 100,
      }),
    ).toEqual({
      customer: {
        given_name: 'Å***',
        email: 'a***@b.se',
        phone: '+18 *** ** 21',
        date_of_birth: '****-**-**',
        address: { street_address2: '', city: 'Malmö' },
      },
      amount: 100,
    });
  });

  it('masks odd values without leaking them', () => {
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskPhone('12345')).toBe('***');
    expect(maskPhone('0701234512')).toBe('07 *** ** 12');
    expect(maskPhone('+46 70 123 45 12')).toBe('+46 *** ** 12');
    expect(maskName('  ')).toBe('***');
  });

  it('tells the user exactly what is masked, with the masks it writes', () => {
    expect(maskedFieldsSentence).toContain(maskEmail('jane@example.com'));
    expect(maskedFieldsSentence).toContain(maskPhone('+46701234512'));
    expect(maskedFieldsSentence).toContain(`${maskName('Jane')} ${maskName('Doe')}`);
    for (const words of [
      'email addresses',
      'phone numbers',
      'given and family names',
      'dates of birth',
      'street addresses',
      'card numbers',
    ])
      expect(maskedFieldsSentence).toContain(words);
  });
});
