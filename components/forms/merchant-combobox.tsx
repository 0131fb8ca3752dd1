'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChevronDown, X } from 'lucide-react';
import type { MerchantChoice } from '@/lib/merchants/names';
import { cn } from '@/lib/ui/cn';

export type { MerchantChoice };

const DEBOUNCE_MS = 150;

async function searchMerchants(q: string, signal: AbortSignal): Promise<MerchantChoice[]> {
  const response = await fetch(`/api/merchants/search?q=${encodeURIComponent(q)}`, { signal, cache: 'no-store' });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  }
  return ((await response.json()) as { merchants: MerchantChoice[] }).merchants;
}

/**
 * A merchant picker that searches as you type: the server's 20 merchants whose name starts with
 * what is typed (any case), never the whole list. An ARIA 1.2 combobox: the text input owns a
 * listbox; Down/Up move through the matches (opening it), Enter picks, Escape or leaving closes it
 * and puts back the chosen name (emptied text clears the choice); the list says when it is
 * searching, found nothing or failed.
 *
 * The chosen account id is the value: a hidden input `name` for a GET form, and/or `onChange`.
 * `selected` is the merchant chosen before (from the URL or the form), so its name shows after a
 * reload. With `blockedDisabled`, merchants that cannot take payments are listed with the reason
 * and cannot be picked. `anyLabel` offers "no merchant" as the first option (a filter's "Any").
 */
export function MerchantCombobox({
  id,
  name,
  selected,
  onChange,
  anyLabel,
  blockedDisabled = false,
  placeholder = 'Type the start of a name…',
  'aria-invalid': ariaInvalid,
  'aria-describedby': describedBy,
}: {
  id: string;
  name?: string;
  selected: MerchantChoice | null;
  onChange?: (merchant: MerchantChoice | null) => void;
  anyLabel?: string;
  blockedDisabled?: boolean;
  placeholder?: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}) {
  const listId = useId();
  const statusId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<MerchantChoice | null>(selected);
  const [text, setText] = useState(selected?.name ?? '');
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // The query follows the text after a pause, so a fast typist sends one request, not one per key.
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, open]);

  const search = useQuery({
    queryKey: ['merchant-search', query],
    queryFn: ({ signal }) => searchMerchants(query, signal),
    enabled: open,
    staleTime: 30_000,
    retry: false,
    placeholderData: keepPreviousData,
  });
  const matches = search.data ?? [];
  const options: (MerchantChoice | null)[] = anyLabel ? [null, ...matches] : matches;
  const pickable = (o: MerchantChoice | null) => !(blockedDisabled && o?.blockedReason);
  const settling = open && (text.trim() !== query || search.isFetching);

  function choose(merchant: MerchantChoice | null) {
    setChosen(merchant);
    setText(merchant?.name ?? '');
    setOpen(false);
    setActive(-1);
    onChange?.(merchant);
  }

  function openList() {
    if (open) return;
    setQuery(text.trim());
    setOpen(true);
    setActive(-1);
  }

  function move(step: 1 | -1) {
    if (!open) {
      openList();
      return;
    }
    if (!options.length) return;
    let next = active;
    for (let i = 0; i < options.length; i++) {
      next = (next + step + options.length) % options.length;
      if (pickable(options[next]!)) break;
    }
    setActive(next);
  }

  function close() {
    setOpen(false);
    setActive(-1);
    // What was typed but not picked is put back to the chosen merchant; emptied text clears it.
    if (!text.trim() && chosen) choose(null);
    else setText(chosen?.name ?? '');
  }

  const activeId = open && active >= 0 && active < options.length ? `${listId}-${active}` : undefined;
  const status = !open
    ? ''
    : search.isError && !settling
      ? `Could not search merchants: ${search.error.message}`
      : settling && !search.data
        ? 'Searching…'
        : matches.length === 0 && !settling
          ? query
            ? `No merchant's name starts with “${query}”.`
            : 'No merchants yet.'
          : `${matches.length === 20 ? 'The first 20' : matches.length} ${matches.length === 1 ? 'merchant' : 'merchants'}${query ? ` starting with “${query}”` : ''}${matches.length === 20 ? ': type more to narrow' : ''}.`;

  return (
    <div className="relative">
      {name && <input type="hidden" name={name} value={chosen?.accountId ?? ''} />}
      <div className="relative">
        <input
          ref={inputRef}
          id={id}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeId}
          aria-invalid={ariaInvalid}
          aria-describedby={[describedBy, open ? statusId : undefined].filter(Boolean).join(' ') || undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={anyLabel && !chosen ? anyLabel : placeholder}
          value={text}
          className="flex h-9 w-full rounded-md border border-input bg-card px-3 py-1 pr-16 text-sm shadow-xs transition-colors placeholder:text-muted-foreground aria-invalid:border-danger"
          onChange={(e) => {
            setText(e.target.value);
            if (!open) {
              setOpen(true);
              setActive(-1);
            }
          }}
          onFocus={openList}
          onClick={openList}
          onBlur={close}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              move(1);
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              move(-1);
            } else if (e.key === 'Enter' && open) {
              // Picks instead of submitting the form; with nothing highlighted, the only match is picked.
              e.preventDefault();
              const option = activeId ? options[active] : matches.length === 1 && !settling ? matches[0] : undefined;
              if (option !== undefined && pickable(option)) choose(option);
            } else if (e.key === 'Escape' && open) {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        />
        <div className="absolute inset-y-0 right-1 flex items-center gap-0.5">
          {chosen && (
            <button
              type="button"
              className="rounded p-1 text-muted-foreground hover:text-foreground"
              aria-label={`Clear the merchant (${chosen.name})`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                choose(null);
                inputRef.current?.focus();
              }}
            >
              <X className="size-4" aria-hidden />
            </button>
          )}
          <ChevronDown className="pointer-events-none mr-1 size-4 text-muted-foreground" aria-hidden />
        </div>
      </div>
      <div
        hidden={!open}
        className="absolute z-30 mt-1 w-full rounded-md border border-border bg-card text-sm shadow-md"
        // A click in the list must not blur the input first (which would close it).
        onMouseDown={(e) => e.preventDefault()}
      >
        <ul id={listId} role="listbox" aria-label="Merchants" className="max-h-72 overflow-auto py-1 empty:hidden">
          {open &&
            options.map((option, i) => {
              const disabled = !pickable(option);
              return (
                <li
                  key={option?.accountId ?? ''}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  aria-disabled={disabled || undefined}
                  className={cn(
                    'cursor-pointer px-3 py-1.5',
                    i === active && 'bg-muted',
                    disabled && 'cursor-not-allowed text-muted-foreground',
                    option !== null && option.accountId === chosen?.accountId && 'font-medium',
                  )}
                  onMouseEnter={() => !disabled && setActive(i)}
                  onClick={() => !disabled && choose(option)}
                >
                  {option === null ? (
                    anyLabel
                  ) : (
                    <>
                      <span className="block truncate">{option.name}</span>
                      {disabled && (
                        <span className="block text-xs">
                          <span className="sr-only"> — </span>cannot take payments: {option.blockedReason}
                        </span>
                      )}
                    </>
                  )}
                </li>
              );
            })}
        </ul>
        <p
          id={statusId}
          role="status"
          className={cn(
            'border-t border-border px-3 py-1.5 text-xs',
            search.isError && !settling ? 'text-danger' : 'text-muted-foreground',
          )}
        >
          {status}
          {open && search.isError && !settling && (
            <button type="button" className="ml-2 underline" onClick={() => void search.refetch()}>
              Try again
            </button>
          )}
        </p>
      </div>
    </div>
  );
}
