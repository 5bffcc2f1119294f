// The business profile on the Graph emulation: GET and POST /<phone-number-id>/whatsapp_business_profile.

import type { MetaRouteContext } from './metaTemplateAdmin';
import type { SandboxReply } from './types';

// STUB: to be implemented. Returns undefined for requests it does not handle.
export function routeMetaProfile(_context: MetaRouteContext): SandboxReply | Promise<SandboxReply> | undefined {
	return undefined;
}
