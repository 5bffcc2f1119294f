// Reading messages back on the Twilio emulation: GET Messages/{Sid}.json (FetchMessage) and
// GET Messages.json with To/From/DateSent filters and paging (ListMessage), keyed by operationId.

import type { TwilioRoute } from './twilio';

// STUB: to be implemented.
export const TWILIO_MESSAGE_ROUTES: Record<string, TwilioRoute> = {};
