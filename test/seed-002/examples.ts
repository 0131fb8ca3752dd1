import { parseSeedJson, seedExamples, type SeedExample } from '@/lib/klarna/seed-examples';

/**
 * Seed 002's printed examples as the tests use them: read by the one extractor
 * (lib/klarna/seed-examples.ts), with the one list of examples the seed prints broken and
 * their fixes. The conformance test (lib/klarna/seed-conformance.test.ts) checks every example
 * against its schema; the receiver's test (lib/webhooks/seed-examples.test.ts) sends the
 * webhook bodies. The decisions file lists what each example needed ("Seed examples we do not
 * accept as printed").
 */

/** Examples the seed prints broken, by the line of their opening fence: why, and the smallest fix that makes them what they plainly mean. */
export const printedBroken: Record<number, { reason: string; fix: ((printed: string) => string) | null }> = {
  563: { reason: 'a template, not an example: {{placeholders}} in place of values', fix: null },
  941: {
    reason: '`websites` is never closed: the `]` after its one website is missing',
    fix: (t) => t.replace(/("https:\/\/IvetteCroissanterie\.fr"\s*\]\s*\})/, '$1]'),
  },
  1084: {
    reason:
      'a page break closes `physical-stores`, `channel` and the body after the first store, and the rest of the stores follow',
    fix: (t) => t.replace(/\],\s*\{\s*"name": "Vera WTB #2"/, '{"name": "Vera WTB #2"').replace(/\]\s*\}\s*$/, ']}}'),
  },
  2339: {
    reason: 'the first descriptor is not closed: `}` missing after its `content`',
    fix: (t) => t.replace(/(\]\s*\},)(\s*\{\s*"payment_option_id": "czxsa)/, ']}},$2'),
  },
  2524: {
    reason:
      "`payment_request.config` is not followed by a comma, and the request's own fields are printed inside `payment_request`",
    fix: (t) =>
      t.replace(/(klarna\.payment_request_id\}"\s*\})(\s*"payment_request_id")/, '$1},$2').replace(/\}\s*\}\s*$/, '}'),
  },
  2877: {
    reason: '`payment_request.config` is not followed by `},` closing `payment_request`',
    fix: (t) => t.replace(/(klarna\.payment_request_id\}"\s*\})(\s*"payment_request_id")/, '$1},$2'),
  },
};

/** The value an example stands for: as parsed, or after its fix; undefined for one printed broken with no fix (the template). */
export function seedExampleValue(example: SeedExample): unknown {
  if (example.parsed.ok) return example.parsed.value;
  const broken = printedBroken[example.line];
  if (!broken?.fix) return undefined;
  const fixed = parseSeedJson(broken.fix(example.printed));
  if (!fixed.ok) throw new Error(`seed l. ${example.line}: still not JSON after the fix: ${fixed.reason}`);
  return fixed.value;
}

/** The webhook bodies the seed prints: the examples that open with an event envelope's `metadata`. */
export const seedWebhookExamples = (): SeedExample[] =>
  seedExamples().filter((e) => /^\{\s*"metadata"\s*:\s*\{/.test(e.printed));

/** A webhook example as the body Klarna would sign (compact JSON), or null for one that is not JSON even when fixed. */
export function seedWebhookBody(example: SeedExample): string | null {
  const value = seedExampleValue(example);
  return value === undefined ? null : JSON.stringify(value);
}
