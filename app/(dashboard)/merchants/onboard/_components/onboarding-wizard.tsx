'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { ArrowLeft, ArrowRight, Save } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import {
  emptyOnboardingForm,
  errorsOfStep,
  firstStepWithError,
  formFromDraft,
  onboardingSteps,
  REVIEW_STEP,
  setIn,
  shownErrorPaths,
  stepFromDraft,
  stepOfField,
  toOnboardRequest,
  validateOnboarding,
  validateStep,
  withoutErrorsAt,
  type FieldErrors,
  type OnboardingForm,
} from '@/lib/merchants/onboarding-form';
import { cn } from '@/lib/ui/cn';
import { failureFields, failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { onboardMerchantAction, saveDraftAction } from '../../actions';
import { AccountStep, BusinessStep } from './account-steps';
import { ChannelsStep } from './channels-step';
import { OnboardedPanel } from './onboarded-panel';
import { ProductStep } from './product-step';
import { ReviewStep } from './review-step';
import { SettlementStep } from './settlement-step';
import { WizardContext, type OnboardingOptions } from './wizard-context';

const AUTOSAVE_MS = 800;
const UNREACHABLE =
  'the server could not be reached. Check your connection; your changes stay here and are saved on the next try.';

type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'error'; reason: string };
type Snapshot = { form: OnboardingForm; step: number };
type Draft = { id: string; data: unknown; step: number; updatedAt: string };

const timeOfDay = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/**
 * The onboarding wizard: six steps over one form model whose values sit at Klarna's parameter
 * paths. Saved as a draft as the admin types (and on every step change), so a reload or a later
 * visit continues at the same step with the same values; the submit sends the body the review
 * step shows, keyed to the draft so a double submit creates one account.
 */
export function OnboardingWizard({ draft, options }: { draft: Draft | null; options: OnboardingOptions }) {
  const router = useRouter();
  const [initial] = useState<Snapshot>(() =>
    draft
      ? { form: formFromDraft(draft.data), step: stepFromDraft(draft.step) }
      : { form: emptyOnboardingForm(), step: 0 },
  );
  const [form, setForm] = useState(initial.form);
  const [step, setStep] = useState(initial.step);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(null);
  const [status, setStatus] = useState<SaveStatus>(
    draft ? { kind: 'saved', at: new Date(draft.updatedAt) } : { kind: 'idle' },
  );
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<{ accountId: string } | null>(null);
  const [focusRequest, setFocusRequest] = useState<{ target: 'error' | 'heading'; n: number } | null>(null);

  const draftId = useRef<string | null>(draft?.id ?? null);
  const saved = useRef<string>(JSON.stringify(initial));
  const latest = useRef<string>(JSON.stringify(initial));
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const submitLock = useRef(false);
  const stopped = useRef(false);
  const lastStep = useRef(initial.step);
  const body = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const request = useMemo(() => toOnboardRequest(form), [form]);
  const reviewProblems = useMemo(() => (step === REVIEW_STEP ? validateOnboarding(form) : {}), [form, step]);

  /**
   * Saves a snapshot as the draft, one save at a time (the first one creates the draft and
   * puts its id in the URL; the later ones need that id). Resolves true when the snapshot is
   * stored. An untouched new form is not saved unless `force`.
   */
  const save = useCallback((snapshot: Snapshot, force = false): Promise<boolean> => {
    const run = chain.current.then(async (): Promise<boolean> => {
      if (stopped.current) return false;
      const json = JSON.stringify(snapshot);
      if (json === saved.current && (draftId.current || !force)) return true;
      setStatus({ kind: 'saving' });
      try {
        const result = await saveDraftAction({
          id: draftId.current ?? undefined,
          data: snapshot.form,
          step: snapshot.step,
        });
        if (result?.data) {
          const created = !draftId.current;
          draftId.current = result.data.id;
          saved.current = json;
          // Typed into while this save was on its way: that is not stored yet (the autosave follows).
          setStatus(
            latest.current === json ? { kind: 'saved', at: new Date(result.data.updatedAt) } : { kind: 'dirty' },
          );
          // The native history call keeps this component (and what is being typed) mounted; Next's router follows it.
          if (created) window.history.replaceState(null, '', `/merchants/onboard?draft=${result.data.id}`);
          return true;
        }
        setStatus({ kind: 'error', reason: failureMessage((result ?? {}) as ActionFailure) });
      } catch {
        setStatus({ kind: 'error', reason: UNREACHABLE });
      }
      return false;
    });
    chain.current = run;
    return run;
  }, []);

  // What the form holds now, for a save that ends after further typing.
  useEffect(() => {
    latest.current = JSON.stringify({ form, step });
  }, [form, step]);

  // Autosave: soon after the last change, at once on a step change.
  useEffect(() => {
    if (done) return;
    const immediate = lastStep.current !== step;
    lastStep.current = step;
    const timer = setTimeout(() => void save({ form, step }), immediate ? 0 : AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [form, step, done, save]);

  // Leaving with changes not yet stored asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!stopped.current && JSON.stringify({ form, step }) !== saved.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [form, step]);

  // Focus follows the wizard: the first field in error after a refused step, else the new step's heading.
  useEffect(() => {
    if (!focusRequest) return;
    const target =
      focusRequest.target === 'error' ? body.current?.querySelector<HTMLElement>('[aria-invalid="true"]') : null;
    (target ?? heading.current)?.focus();
  }, [focusRequest]);

  const markDirty = useCallback(() => setStatus((s) => (s.kind === 'saving' ? s : { kind: 'dirty' })), []);

  const context = useMemo(
    () => ({
      form,
      errors,
      options,
      set: (path: string, value: unknown) => {
        setForm((f) => setIn(f, path, value));
        setErrors((e) => withoutErrorsAt(e, path));
        markDirty();
      },
      update: (change: (f: OnboardingForm) => OnboardingForm, clear?: string) => {
        setForm(change);
        if (clear) setErrors((e) => withoutErrorsAt(e, clear));
        markDirty();
      },
    }),
    [form, errors, options, markDirty],
  );

  function goTo(next: number, focus: 'error' | 'heading' = 'heading') {
    setStep(next);
    setFocusRequest((r) => ({ target: focus, n: (r?.n ?? 0) + 1 }));
  }

  function next() {
    const found = validateStep(form, step);
    // Replace this step's errors with what is wrong now; keep the other steps' (from a refused submit).
    setErrors((e) => ({ ...Object.fromEntries(Object.entries(e).filter(([p]) => stepOfField(p) !== step)), ...found }));
    if (Object.keys(found).length) {
      setFocusRequest((r) => ({ target: 'error', n: (r?.n ?? 0) + 1 }));
      return;
    }
    goTo(Math.min(step + 1, REVIEW_STEP));
  }

  async function submit() {
    if (submitLock.current) return;
    submitLock.current = true;
    setSubmitting(true);
    setFailure(null);
    try {
      const found = validateOnboarding(form);
      if (Object.keys(found).length) {
        setErrors(found);
        setFailure({
          title: 'Some details need fixing',
          message: 'Nothing was sent to Klarna. The fields to fix are marked.',
        });
        goTo(firstStepWithError(found) ?? REVIEW_STEP, 'error');
        return;
      }
      // The server keys the onboarding to the stored draft, so it must exist and be current first.
      if (!(await save({ form, step }, true)) || !draftId.current) {
        setFailure({
          title: 'The draft could not be saved',
          message: 'Nothing was sent to Klarna. See the save status above, then try again.',
        });
        return;
      }
      const result = await onboardMerchantAction({ draftId: draftId.current, request: toOnboardRequest(form) });
      if (result?.data) {
        stopped.current = true;
        setDone({ accountId: result.data.accountId });
        // The page re-reads the onboarded draft from the server, with the account's current state.
        router.replace(`/merchants/onboard?draft=${draftId.current}`);
        return;
      }
      const outcome = (result ?? {}) as ActionFailure;
      const fields = failureFields(outcome);
      setErrors(fields);
      setFailure({ title: 'Klarna did not onboard the merchant', message: failureMessage(outcome) });
      const first = firstStepWithError(fields);
      if (first !== null) goTo(first, 'error');
    } catch {
      setFailure({
        title: 'The onboarding did not reach the server',
        message: 'Check your connection and submit again: the same draft never creates a second account.',
      });
    } finally {
      submitLock.current = false;
      setSubmitting(false);
    }
  }

  if (done) return <OnboardedPanel accountId={done.accountId} state="PARTIALLY_OPERATIONAL" form={form} />;

  const stepErrors = errorsOfStep(errors, step);
  const shown = shownErrorPaths(form);
  const unplaced = Object.entries(stepErrors).filter(([path]) => !shown.has(path));
  const stepsWithErrors = new Set(Object.keys(errors).map(stepOfField));

  return (
    <WizardContext.Provider value={context}>
      <div className="grid gap-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <nav aria-label="Onboarding steps">
            <ol className="flex flex-wrap gap-1.5">
              {onboardingSteps.map((s, i) => (
                <li key={s.id}>
                  <button
                    type="button"
                    aria-current={i === step ? 'step' : undefined}
                    onClick={() => goTo(i)}
                    className={cn(
                      'inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-xs font-medium transition-colors hover:bg-muted',
                      i === step && 'border-primary bg-primary text-primary-foreground hover:bg-primary/90',
                      stepsWithErrors.has(i) && i !== step && 'border-danger/50 text-danger',
                    )}
                  >
                    <span aria-hidden>{i + 1}</span>
                    <span>
                      <span className="sr-only">Step {i + 1}: </span>
                      {s.title}
                      {stepsWithErrors.has(i) && <span className="sr-only"> (needs fixing)</span>}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </nav>
          <div className="flex items-center gap-3">
            <SaveStatusText status={status} />
            <Button
              type="button"
              variant="secondary"
              size="sm"
              onClick={() => void save({ form, step }, true)}
              pending={status.kind === 'saving'}
            >
              <Save aria-hidden /> Save draft
            </Button>
          </div>
        </div>

        {failure && (
          <Alert tone="danger" title={failure.title}>
            {failure.message}
          </Alert>
        )}

        <Card>
          <form
            noValidate
            aria-labelledby="onboarding-step-title"
            onSubmit={(e) => {
              e.preventDefault();
              if (step === REVIEW_STEP) void submit();
              else next();
            }}
          >
            <div className="border-b px-5 py-4">
              <p className="text-xs text-muted-foreground">
                Step {step + 1} of {onboardingSteps.length}
              </p>
              <h2
                id="onboarding-step-title"
                ref={heading}
                tabIndex={-1}
                className="text-base font-semibold outline-none"
              >
                {onboardingSteps[step]!.title}
              </h2>
            </div>
            <div ref={body} className="grid gap-4 px-5 py-5">
              {unplaced.length > 0 && (
                <Alert tone="danger" title="Also to fix on this step">
                  <ul>
                    {unplaced.map(([path, messages]) => (
                      <li key={path}>
                        <code className="font-mono text-xs">{path}</code>: {messages.join(' ')}
                      </li>
                    ))}
                  </ul>
                </Alert>
              )}
              {step === 0 && <AccountStep />}
              {step === 1 && <BusinessStep />}
              {step === 2 && <ProductStep />}
              {step === 3 && <ChannelsStep />}
              {step === 4 && <SettlementStep />}
              {step === REVIEW_STEP && (
                <ReviewStep request={request} problems={reviewProblems} onGoTo={(s) => goTo(s, 'error')} />
              )}
            </div>
            <div className="flex flex-wrap items-center justify-between gap-2 border-t px-5 py-3">
              <Button
                type="button"
                variant="secondary"
                onClick={() => goTo(step - 1)}
                disabled={step === 0 || submitting}
              >
                <ArrowLeft aria-hidden /> Back
              </Button>
              {step < REVIEW_STEP ? (
                <Button type="submit">
                  Next <ArrowRight aria-hidden />
                </Button>
              ) : (
                <Button type="submit" pending={submitting}>
                  Onboard merchant
                </Button>
              )}
            </div>
          </form>
        </Card>
      </div>
    </WizardContext.Provider>
  );
}

function SaveStatusText({ status }: { status: SaveStatus }) {
  const text =
    status.kind === 'saving'
      ? 'Saving…'
      : status.kind === 'saved'
        ? `Saved at ${timeOfDay.format(status.at)} UTC`
        : status.kind === 'error'
          ? `Not saved: ${status.reason}`
          : status.kind === 'dirty'
            ? 'Unsaved changes'
            : 'Not saved yet';
  return (
    <p
      role="status"
      aria-live="polite"
      className={cn('text-xs', status.kind === 'error' ? 'text-danger' : 'text-muted-foreground')}
      data-testid="draft-save-status"
    >
      {text}
    </p>
  );
}
