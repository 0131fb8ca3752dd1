/**
 * Every webhook body printed in seed 002 (../shared/seeds/002_6926472d0562fe49.txt), copied
 * verbatim with the seed lines it spans, page-layout debris included (code fences, a closing
 * "}" pair the page break inserted, a truncated end). `jsonOf` removes only that debris; the
 * decisions file lists what each example needed ("Seed examples we do not accept as printed").
 */
export type SeedWebhookExample = { name: string; section: string; lines: [number, number]; text: string; asPrinted: 'json' | 'not json' };

export const seedWebhookExamples: SeedWebhookExample[] = [
  {
    name: 'template',
    section: "\"Example of webhook payload\" (a template with placeholders)",
    lines: [563, 578],
    asPrinted: 'not json',
    text: [
      "```",
      "{",
      "  \"metadata\": {",
      "    \"event_type\": \"payment.request.state-change.{event_type}\",",
      "    \"event_id\": \"{{unique event UUID}}\",",
      "    \"event_version\": \"v1\",",
      "    \"occurred_at\": \"2024-01-01T12:00:00Z\",",
      "    \"correlation_id\": \"{{unique correlation UUID}}\",",
      "    \"account_id\": \"{{account-specific ID}}\",",
      "    \"product_instance_id\": \"{{product-specific ID}}\",",
      "    \"webhook_id\": \"{{webhook-specific ID}}\",",
      "    \"live\": {{boolean}}",
      "  },",
      "  \"payload\": {{content of the payload varies according to the event type. More",
      "  information available in product-specific subsections}}",
      "}",
    ].join('\n'),
  },
  {
    name: 'simulated-authorized',
    section: "\"Simulate and test webhooks\": payment.request.state-change.authorized",
    lines: [716, 748],
    asPrinted: 'not json',
    text: [
      "{",
      "  \"metadata\": {",
      "```",
      "",
      "",
      "",
      "```",
      "",
      " ",
      "    \"event_type\": \"payment.request.state-change.authorized\",",
      "    \"event_id\": \"d9f9b1a0-5b1a-4b0e-9b0a-9e9b1a0d5b1a\",",
      "    \"event_version\": \"v1\",",
      "    \"occurred_at\": \"2024-01-01T12:00:00Z\",",
      "    \"correlation_id\": \"2d1557e8-17c3-466c-924a-bbc3e91c2a02\",",
      "    \"account_id\":",
      "\"krn:partner:product:payment:ad71bc48-8a07-4919-a2c1-103dba3fc918\",",
      "    \"product_instance_id\":",
      "\"krn:partner:product:payment:ad71bc48-8a07-4919-a2c1-103dba3fc918\",",
      "    \"webhook_id\":",
      "\"krn:partner:global:notification:webhook:120e5b7e-dee8-43ca-9858-dca726e639b5\",",
      "    \"live\": false",
      "  },",
      "  \"payload\": {",
      "    \"payment_request_id\":",
      "\"krn:payment:eu1:request:552603c0-fe8b-4ab1-aacb-41d55fafbdb4\",",
      "    \"payment_reference\": \"partner-payref-1234\",",
      "    \"merchant_reference\": \"order-5678\",",
      "    \"state\": \"AUTHORIZED\",",
      "    \"previous_state\": \"PENDING_CONFIRMATION\",",
      "    \"payment_transaction_id\":",
      "\"krn:payment:eu1:transaction:6debe89e-98c0-486e-b7a5-08a4f6df94b0\"",
      "  }",
      "}",
    ].join('\n'),
  },
  {
    name: 'account-operational',
    section: "\"Account lifecycle webhooks\": partner.account.state-change.operational",
    lines: [1299, 1315],
    asPrinted: 'json',
    text: [
      "{",
      "  \"metadata\": {",
      "    \"event_type\": \"partner.account.state-change.operational\",",
      "    \"event_version\": \"v1\",",
      "    \"occurred_at\": \"2024-01-01T12:00:00Z\",",
      "    \"correlation_id\": \"2d1557e8-17c3-466c-924a-bbc3e91c2a02\",",
      "    \"account_id\": \"krn:partner:account:live:2AIMNWR6IYZVD\",",
      "    \"webhook_id\":",
      "\"krn:partner:global:notification:webhook:120e5b7e-abcd-4def-8a90-dca726e639b5\",",
      "    \"live\": true",
      "  },",
      "  \"payload\": {",
      "    \"account_reference\": \"M123786123412\",",
      "    \"state\": \"OPERATIONAL\",",
      "    \"previous_state\": \"PARTIALLY_OPERATIONAL\"",
      "  }",
      "}",
    ].join('\n'),
  },
  {
    name: 'pending-confirmation-server',
    section: "\"Subscribing to webhook events\" (server-side confirmation): payment.request.state-change.pending-confirmation",
    lines: [1942, 1975],
    asPrinted: 'not json',
    text: [
      "{",
      "  \"metadata\": {",
      "    \"event_id\": \"e911ddab-f2c9-4d4c-aa2e-1954b290a91a\",",
      "    \"event_type\": \"payment.request.state-change.pending-confirmation\",",
      "    \"event_version\": \"v1\",",
      "    \"occurred_at\": \"2024-05-27T14:41:30Z\",",
      "    \"account_id\":",
      "\"krn:partner:global:account:test:d6312901-1056-4231-8adb-d5abea7f3f8c\",",
      "    \"product_instance_id\":",
      "\"krn:partner:global:payment-product:test:54f2ac72-2839-4004-9560-a8dcd128868c\",",
      "  }",
      "}",
      "  ",
      "```",
      "",
      "```",
      "",
      "    \"webhook_id\":",
      "    \"krn:partner:global:notification:webhook:96420b72-8c4c-4554-9b97-dcb67272d513\",",
      "    \"live\": false",
      "  },",
      "  \"payload\": {",
      "    \"payment_request_id\":",
      "    \"krn:payment:eu1:request:efb8cf04-07f8-6dad-a49a-c6b6048b25e3\",",
      "    \"payment_reference\": \"09e7a0f1-4207-4abe-b472-64559b14cc80\",",
      "    \"merchant_reference\": \"e60fd9e1-f1a3-4762-9555-e9aa5169cec5\",",
      "    \"state\": \"PENDING_CONFIRMATION\",",
      "    \"previous_state\": \"IN_PROGRESS\",",
      "    \"state_expires_at\": \"2024-05-27T15:41:30Z\",",
      "    \"expires_at\": \"2024-05-29T14:40:58Z\",",
      "    \"created_at\": \"2024-05-27T14:40:58Z\",",
      "    \"updated_at\": \"2024-05-27T14:41:30Z\",",
      "    \"payment_confirmation_token\":",
      "    \"krn:payment:eu1:confirmation-token:2db97a21-6706-6f0e-89ac-faf493be15ae\"",
    ].join('\n'),
  },
  {
    name: 'pending-confirmation',
    section: "\"Subscribing to Webhook Events\": payment.request.state-change.pending-confirmation",
    lines: [2607, 2638],
    asPrinted: 'not json',
    text: [
      "{",
      "  \"metadata\": {",
      "    \"event_type\": \"payment.request.state-change.pending-confirmation\",",
      "    \"event_id\": \"d9f9b1a0-5b1a-4b0e-9b0a-9e9b1a0d5b1a\",",
      "    \"event_version\": \"v1\",",
      "    \"occurred_at\": \"2024-01-01T12:00:00Z\",",
      "    \"correlation_id\": \"2d1557e8-17c3-466c-924a-bbc3e91c2a02\",",
      "    \"account_id\": \"krn:partner:account:206bbb83-9b6e-46fa-940d-337153c04a58\",",
      "  }",
      "}",
      "  ",
      "```",
      "",
      "```",
      "",
      "    \"product_instance_id\":",
      "    \"krn:partner:product:payment:ad71bc48-8a07-4919-a2c1-103dba3fc918\",",
      "    \"webhook_id\":",
      "    \"krn:partner:global:notification:webhook:120e5b7e-abcd-4def-8a90-dca726e639b5\",",
      "    \"live\": true",
      "  },",
      "  \"payload\": {",
      "    \"payment_request_id\": \"krn:payment:eu1:request:552603c0-fe8b-4ab1-aacb-41d55fafbdb4\",",
      "    \"payment_reference\": \"partner-payref-1234\",",
      "    \"merchant_reference\": \"order-5678\",",
      "    \"state\": \"PENDING_CONFIRMATION\",",
      "    \"previous_state\": \"IN_PROGRESS\",",
      "    \"payment_confirmation_token\":",
      "    \"krn:payment:eu1:confirmation-token:e15432a5-ebcc-45bc-934c-e61399db597b\"",
      "  }",
      "}",
      "",
    ].join('\n'),
  },
];

/**
 * The JSON an example stands for: code-fence and language lines dropped, the "}\n}" a page break
 * put before a fence joining two halves dropped, and braces a truncated example lacks closed.
 * Returns null for the template, whose placeholders are not JSON.
 */
export function jsonOf(example: SeedWebhookExample): string | null {
  const lines = example.text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|JavaScript|Unset)?\s*$/.test(line)) continue;
    // "  }" and "}" right before a fence that continues the body: debris of the page break.
    if (line === '  }' && lines[i + 1] === '}' && lines.slice(i + 2).find((l) => l.trim() !== '') === '```' && lines.slice(i + 2).some((l) => /^\s+"/.test(l))) {
      i++;
      continue;
    }
    kept.push(line);
  }
  let text = kept.join('\n');
  const open = (text.match(/{/g) ?? []).length - (text.match(/}/g) ?? []).length;
  if (open > 0) text += '\n' + '}'.repeat(open);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}
