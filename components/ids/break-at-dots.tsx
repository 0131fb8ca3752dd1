import { Fragment } from 'react';

/**
 * A dotted name (`payment.transaction.captured`, `merchants.disable_product`) that wraps only
 * after a dot, so a narrow column breaks it into readable parts rather than anywhere.
 */
export function BreakAtDots({ value }: { value: string }) {
  const parts = value.split('.');
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && (
        <>
          .<wbr />
        </>
      )}
    </Fragment>
  ));
}
