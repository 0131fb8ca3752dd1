import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The JSON examples printed in seed 002, read from its text so none is missed; PDF print artifacts are repaired. */

/** A copy of `../shared/seeds/002_6926472d0562fe49.txt` kept in the repository, so the tests that read it run anywhere. */
export const SEED_002_PATH = path.resolve(process.cwd(), 'docs/seeds/002_6926472d0562fe49.txt');

export type SeedExample = {
  /** 1-based line of the opening fence of the example's first block. */
  line: number;
  /** 1-based line of the closing fence of its last block. */
  endLine: number;
  /** How many fenced blocks the example was printed in (more than one: split by a page break). */
  blocks: number;
  /** The text as printed (fences and language labels removed, blocks joined). */
  printed: string;
  /** The parsed example, or why it is not JSON even after repairing print artifacts. */
  parsed: { ok: true; value: unknown; repairs: string[] } | { ok: false; reason: string };
};

type Block = { start: number; end: number; lines: string[] };

function fencedBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trim().startsWith('```')) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith('```')) j++;
    blocks.push({ start: i + 1, end: j + 1, lines: lines.slice(i + 1, j) });
    i = j;
  }
  return blocks;
}

// The seed labels blocks with the language its viewer showed ("Unset", "JavaScript", "JSON").
const LABEL = /^(Unset|JavaScript|JSON|json)$/;

function content(block: Block): string[] {
  const lines = [...block.lines];
  while (lines.length && (lines[0]!.trim() === '' || LABEL.test(lines[0]!.trim()))) lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

const looksJson = (lines: string[]) => /^[{["]/.test(lines[0]?.trim() ?? '') && !/^\{klarna\./.test(lines[0]!.trim());

/** Bracket depth at the end of a text, strings skipped. */
function depth(text: string): number {
  let d = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') d++;
    else if (c === '}' || c === ']') d--;
  }
  return d;
}

const unescapedQuotes = (line: string) => (line.replace(/\\./g, '').match(/"/g) ?? []).length;

/** Joins print artifacts: a value wrapped onto the next line, a string broken inside. */
function repairLines(lines: string[], repairs: Set<string>): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    for (;;) {
      const next = lines[i + 1];
      if (next === undefined) break;
      if (/":\s*$/.test(line)) {
        line = `${line} ${next.trim()}`;
        repairs.add('a value printed on the line after its key');
        i++;
      } else if (unescapedQuotes(line) % 2 === 1) {
        // A string wrapped by the page: rejoined without a space when it had none (an id), else with one.
        const open = line.slice(line.lastIndexOf('"') + 1);
        line = `${line}${open.includes(' ') ? ' ' : ''}${next.trim()}`;
        repairs.add('a string wrapped onto the next line');
        i++;
      } else break;
    }
    out.push(line);
  }
  let text = out.join('\n');
  const noTrailing = text.replace(/,(\s*[}\]])/g, '$1');
  if (noTrailing !== text) repairs.add('trailing commas');
  text = noTrailing;
  return text;
}

export function parseSeedJson(printed: string): SeedExample['parsed'] {
  const repairs = new Set<string>();
  let text = repairLines(printed.split('\n'), repairs);
  // A fragment (`"payment_pricing": {…}`) is an object's member: read it as that object.
  if (text.trim().startsWith('"')) {
    text = `{${text}}`;
    repairs.add('a member printed without its object');
  }
  try {
    return { ok: true, value: JSON.parse(text), repairs: [...repairs] };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export function seedExamples(text: string = readFileSync(SEED_002_PATH, 'utf8')): SeedExample[] {
  const lines = text.split('\n');
  const blocks = fencedBlocks(lines);
  const examples: SeedExample[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const first = blocks[b]!;
    let body = content(first);
    if (!looksJson(body)) continue;
    let end = first.end;
    let count = 1;
    // Split at a page break: the next fence carries on while the brackets are open, or it
    // closes more than it opens (the break printed early closing brackets, dropped here).
    for (;;) {
      const next = blocks[b + 1];
      if (!next || next.start - end >= 12) break;
      const more = content(next);
      if (!/^[{["}\]]/.test(more[0]?.trim() ?? '')) break;
      const open = depth(body.join('\n'));
      const closes = -depth(more.join('\n'));
      if (open <= 0 && closes <= 0) break;
      while (depth(body.join('\n')) < closes && body.length && /^[\s}\],]*$/.test(body[body.length - 1]!))
        body = body.slice(0, -1);
      b++;
      body = [...body, ...more];
      end = next.end;
      count++;
    }
    examples.push({
      line: first.start,
      endLine: end,
      blocks: count,
      printed: body.join('\n'),
      parsed: parseSeedJson(body.join('\n')),
    });
  }
  return examples;
}

/** Copies of seeds 000 and 001 (the Merchant Card Service), kept as printed (docs/seeds/README.md). */
export const SEED_000_PATH = path.resolve(process.cwd(), 'docs/seeds/000_bc3ce1a25e93b351.txt');
export const SEED_001_PATH = path.resolve(process.cwd(), 'docs/seeds/001_ff792ec8979140ed.txt');

export type ApiReferenceExample = {
  /** 1-based line of the example's opening `{`. */
  line: number;
  endLine: number;
  /** `Request samples` or `Response samples`, and the operation line printed above it (`post/merchantcard/v3/promises`). */
  kind: 'request' | 'response';
  operation: string;
  printed: string;
  /** Members whose array the reference page printed folded (`"cards": [ ]`): their items are not in the print. */
  folded: string[];
  parsed: { ok: true; value: unknown } | { ok: false; reason: string };
};

/** The JSON samples of a reference page printed as text (seed 001): members carry a `•` bullet (dropped) and
 * arrays are folded to `[` … `]` (read as `[]` and named in `folded`). */
export function apiReferenceExamples(text: string = readFileSync(SEED_001_PATH, 'utf8')): ApiReferenceExample[] {
  const lines = text.split('\n');
  const examples: ApiReferenceExample[] = [];
  let operation = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (/^(get|post|put|patch|delete)\//.test(line)) operation = line;
    const kind = line === 'Request samples' ? 'request' : line === 'Response samples' ? 'response' : null;
    if (!kind || lines[i + 1]?.trim() !== 'application/json' || lines[i + 2]?.trim() !== '{') continue;
    const start = i + 2;
    let end = start;
    while (end < lines.length && lines[end] !== '}') end++;
    const body = lines.slice(start, end + 1);
    const folded: string[] = [];
    const json = body
      .map((l) => l.replace(/^(\s*)\u2022\s*/, '$1'))
      .join('\n')
      .replace(/"(\w+)":\s*\[\s*\]/g, (_, key: string) => {
        folded.push(key);
        return `"${key}": []`;
      });
    let parsed: ApiReferenceExample['parsed'];
    try {
      parsed = { ok: true, value: JSON.parse(json) };
    } catch (error) {
      parsed = { ok: false, reason: (error as Error).message };
    }
    examples.push({ line: start + 1, endLine: end + 1, kind, operation, printed: body.join('\n'), folded, parsed });
    i = end;
  }
  return examples;
}
