import type { AreaRegistration } from '@/lib/area';
import { apiRequestMaskingJobHandlers } from './jobs';

/** The API request log in the app (lib/app.ts): the backfill masking rows stored before masking existed. */
export const klarnaArea: AreaRegistration = { name: 'klarna', jobs: (log) => apiRequestMaskingJobHandlers(log) };
