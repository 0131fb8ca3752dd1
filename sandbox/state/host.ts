import type { SandboxClock } from '../clock';
import type { EmitEventInput, EmittedEvent } from './events';
import type { SandboxStore } from './store';

/**
 * What state transitions need of the running sandbox. SandboxRuntime implements it; a type of
 * its own so that state/ does not import the runtime that calls into state/.
 */
export interface SandboxHost {
  readonly clock: SandboxClock;
  readonly store: SandboxStore;
  /** The delay given to accounts onboarded from now on. */
  readonly accountActivationMs: number;
  emitEvent(input: EmitEventInput, options?: { webhookId?: string }): EmittedEvent;
}
