import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilityForPath } from './page-access';

const dashboard = path.join(process.cwd(), 'app', '(dashboard)');

/** Every page.tsx under app/(dashboard) with the URL path it serves ([param] as a sample value). */
function pages(dir = dashboard): { file: string; urlPath: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('_') ? [] : pages(full);
    if (entry.name !== 'page.tsx') return [];
    const segments = path
      .relative(dashboard, dir)
      .split(path.sep)
      .filter((s) => s && !/^\(.*\)$/.test(s))
      .map((s) => (s.startsWith('[') ? 'sample-id' : s));
    return [{ file: path.relative(process.cwd(), full), urlPath: `/${segments.join('/')}` }];
  });
}

describe('capabilityForPath', () => {
  it('matches whole segments, the longest prefix first', () => {
    expect(capabilityForPath('/settings/users')).toBe('users.manage');
    expect(capabilityForPath('/settings/users?x=1')).toBe('users.manage');
    expect(capabilityForPath('/developers/api-requests/abc')).toBe('api-log.read');
    expect(capabilityForPath('/settings/users-archive')).toBe('dashboard.read');
    expect(capabilityForPath('/payments/links/new')).toBe('payments.operate');
    expect(capabilityForPath('/payments/links/abc')).toBe('dashboard.read');
    expect(capabilityForPath('/')).toBe('dashboard.read');
  });

  it('names for every dashboard page the capability the page itself checks', () => {
    const found = pages();
    expect(found.length).toBeGreaterThan(10);
    for (const { file, urlPath } of found) {
      const checked = readFileSync(file, 'utf8').match(/page(?:Actor|Context)\('([^']+)'\)/)?.[1] ?? 'dashboard.read';
      expect({ urlPath, capability: capabilityForPath(urlPath) }).toEqual({ urlPath, capability: checked });
    }
  });
});
