import { createHash } from 'node:crypto';
import type { ContentCreateRequest } from 'twilio/lib/rest/content/v1/content';

import type { InteractiveContent } from '../types';
import type { TwilioClient } from './client';

/** Twilio's quick-reply, list-picker and call-to-action have no header or footer: they join the body. */
function bodyWithHeaderAndFooter(content: InteractiveContent): string {
	const header = content.header?.type === 'text' ? `*${content.header.text}*\n\n` : '';
	const footer = content.footer ? `\n\n_${content.footer}_` : '';
	return `${header}${content.body}${footer}`;
}

/** The Content API `types` object for an interactive message, in Twilio's wire format. */
export function interactiveContentTypes(content: InteractiveContent): Record<string, unknown> {
	const body = bodyWithHeaderAndFooter(content);
	switch (content.kind) {
		case 'buttons':
			return { 'twilio/quick-reply': { body, actions: content.buttons.map((b) => ({ title: b.title, id: b.id })) } };
		case 'list':
			return {
				'twilio/list-picker': {
					body,
					button: content.buttonText,
					items: content.sections.flatMap((s) =>
						s.rows.map((r) => ({ item: r.title, id: r.id, ...(r.description ? { description: r.description } : {}) })),
					),
				},
			};
		case 'ctaUrl':
			return { 'twilio/call-to-action': { body, actions: [{ type: 'URL', title: content.displayText, url: content.url }] } };
	}
}

export const CONTENT_NAME_PREFIX = 'omni_';
const LANGUAGE = 'en';

/** Same content, same name: lets a menu sent a thousand times be created once. */
export function contentFriendlyName(types: Record<string, unknown>): string {
	const hash = createHash('sha256').update(JSON.stringify({ language: LANGUAGE, types })).digest('hex');
	return `${CONTENT_NAME_PREFIX}${hash.slice(0, 32)}`;
}

// Found or created Content SIDs by account and name. Only a shortcut: the friendly name in
// Twilio stays the truth, so another process or a restart finds the same Content again.
const known = new Map<string, string>();

async function findContent(client: TwilioClient, friendlyName: string): Promise<string | undefined> {
	let page: Awaited<ReturnType<typeof client.content.v1.contents.page>> | undefined =
		await client.content.v1.contents.page({ pageSize: 500 });
	while (page) {
		const match = page.instances.find((instance) => instance.friendlyName === friendlyName);
		if (match) return match.sid;
		page = page.nextPageUrl ? ((await page.nextPage()) as typeof page) : undefined;
	}
	return undefined;
}

/** The Content SID for this interactive message: reused when it exists, created when not. */
export async function findOrCreateInteractiveContent(
	client: TwilioClient,
	accountSid: string,
	content: InteractiveContent,
): Promise<{ sid: string; created: boolean }> {
	const types = interactiveContentTypes(content);
	const friendlyName = contentFriendlyName(types);
	const key = `${accountSid}/${friendlyName}`;
	const cached = known.get(key);
	if (cached) return { sid: cached, created: false };
	const existing = await findContent(client, friendlyName);
	if (existing) {
		known.set(key, existing);
		return { sid: existing, created: false };
	}
	// The SDK posts this object as the JSON body as it is, so it is written in Twilio's wire format.
	const request = { friendly_name: friendlyName, language: LANGUAGE, types } as unknown as ContentCreateRequest;
	const created = await client.content.v1.contents.create(request);
	known.set(key, created.sid);
	return { sid: created.sid, created: true };
}

export function forgetKnownContent() {
	known.clear();
}
