// Template management on the Graph emulation: POST and DELETE /<waba-id>/message_templates,
// and the Resumable Upload API (/<app-id>/uploads, /upload:<id>) for media header samples.

import type { SandboxState } from './state';
import type { MetaAccount, SandboxReply, SandboxRequest } from './types';

export interface MetaRouteContext {
	request: SandboxRequest;
	/** `v24.0` */
	version: string;
	/** First path segment after the version, decoded. */
	id: string;
	/** Second path segment, decoded, if any. */
	edge: string | undefined;
	account: MetaAccount;
	state: SandboxState;
}

// STUB: to be implemented. Returns undefined for requests it does not handle.
export function routeMetaTemplateAdmin(_context: MetaRouteContext): SandboxReply | Promise<SandboxReply> | undefined {
	return undefined;
}
