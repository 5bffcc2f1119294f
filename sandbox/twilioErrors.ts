// Twilio's error envelope: `{code, message, more_info, status}`.

import type { SandboxReply } from './types';

export function twilioError(
	status: number,
	code: number,
	message: string,
	headers: Record<string, string> = {},
): SandboxReply {
	return {
		status,
		body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
		headers,
	};
}

export function unauthorized(): SandboxReply {
	return twilioError(401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' });
}

export function notFound(path: string, why?: string): SandboxReply {
	const suffix = why ? ` (${why})` : '';
	return twilioError(404, 20404, `The requested resource ${path} was not found${suffix}`);
}
