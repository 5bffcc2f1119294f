// Template management on the Twilio emulation beyond what twilio.ts serves: the WhatsApp approval
// request (POST /v1/Content/{Sid}/ApprovalRequests/whatsapp), keyed by Twilio operationId.

import type { TwilioRoute } from './twilio';

// STUB: to be implemented.
export const TWILIO_TEMPLATE_ADMIN_ROUTES: Record<string, TwilioRoute> = {};
