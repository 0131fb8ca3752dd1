import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './callback';

const origin = 'https://dash.example.com';

describe('safeCallbackPath', () => {
  it.each([
    ['/payments?state=CAPTURED#top', '/payments?state=CAPTURED#top'],
    ['/settings/users', '/settings/users'],
    ['https://dash.example.com/merchants', '/merchants'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('keeps the same-origin path %j', (raw, expected) => {
    expect(safeCallbackPath(raw, origin)).toBe(expected);
  });

  it.each([
    ['/\t/evil.example/phish'], // the case: browsers drop the tab
    ['/\n/evil.example'],
    ['/\r/evil.example'],
    ['\t//evil.example'],
    ['/\u0000/evil.example'],
    ['//evil.example'],
    ['///evil.example'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['/.//evil.example'],
    ['https://evil.example'],
    ['https://evil.example/https://dash.example.com/'],
    ['http://dash.example.com/'], // another scheme is another origin
    ['https://dash.example.com.evil.example/'],
    ['https://dash.example.com@evil.example/'],
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    [''],
    [null],
    [undefined],
  ])('sends %j to the dashboard', (raw) => {
    expect(safeCallbackPath(raw, origin)).toBe('/');
  });

  it('never returns something a browser would read as another host', () => {
    for (const raw of [
      '/\t/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/.//evil.example',
      'https:evil.example',
      '/..//evil.example',
    ]) {
      const path = safeCallbackPath(raw, origin);
      expect(new URL(path, origin).origin).toBe(origin);
      expect(path.startsWith('//')).toBe(false);
    }
  });
});
