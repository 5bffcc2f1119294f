// Profiles on the Twilio emulation: Lookup v2 (GET lookups /v2/PhoneNumbers/{PhoneNumber}), keyed
// by Twilio operationId. Sender profiles are served by the sender routes of twilioWebhooks.ts.

import type { TwilioRoute } from './twilio';

// STUB: to be implemented.
export const TWILIO_PROFILE_ROUTES: Record<string, TwilioRoute> = {};
