import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ActionFailure } from '@/lib/ui/action-result';
import { FailureAlert } from './form-kit';

const render = (failure: ActionFailure, shown: string[]) =>
  renderToStaticMarkup(createElement(FailureAlert, { failure, shown }));

const duplicate: ActionFailure = {
  serverError: {
    kind: 'conflict',
    code: 'CONFLICT',
    message: 'A user with this email already exists.',
    fields: { email: ['A user with this email already exists.'] },
  },
};

describe('FailureAlert', () => {
  it('says nothing more when its sentence is the error already shown at the field', () => {
    expect(render(duplicate, ['email'])).toBe('');
  });

  it('shows the sentence and the field error when no input shows that field', () => {
    const html = render(duplicate, []);
    expect(html).toContain('<p>A user with this email already exists.</p>');
    expect(html).toContain('<code class="font-mono">email</code>');
  });

  it("keeps Klarna's sentence with its error id next to the field error", () => {
    const html = render(
      {
        serverError: {
          kind: 'klarna_refused',
          code: 'BAD_VALUE',
          message: 'Klarna refused the capture: only 6000 USD remains authorized. Klarna error id: abc-1.',
          fields: { amount: ['Cannot capture 10000: only 6000 USD remains authorized'] },
        },
      },
      ['amount'],
    );
    expect(html).toContain('Klarna error id: abc-1.');
    expect(html).not.toContain('Cannot capture 10000');
  });
});
