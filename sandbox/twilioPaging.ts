// Twilio's JSON paging for its v1/v2 APIs (content.twilio.com/v1, messaging.twilio.com/v2): the
// list under its key and a `meta` envelope whose `next_page_url` carries `PageToken=PA<last sid>`
// and `previous_page_url` `PageToken=PB<first sid>`. All URLs are absolute sandbox URLs.
// The 2010-04-01 API pages with a different envelope (uri, next_page_uri, start, end, …); its
// lists (twilioMessages.ts, Media in twilioWebhooks.ts) do not use this.

import { twilioError } from './twilioErrors';
import type { SandboxReply, SandboxRequest } from './types';
import { firstValue } from './util';

export const TWILIO_PAGE_DEFAULT = 50;

export interface TwilioList {
	/** The list's absolute URL, without a query. */
	url: string;
	/** The key the items sit under, also `meta.key`. */
	key: string;
	/** The two letters every SID of this list starts with (`HX`, `XE`, …). */
	sidPrefix: string;
	/** Filters repeated in every page URL after `Page`, e.g. `&Channel=whatsapp`. */
	extraQuery?: string;
}

export function twilioListPage<T extends { sid: string }>(
	items: readonly T[],
	request: SandboxRequest,
	list: TwilioList,
	render: (item: T) => Record<string, unknown>,
): SandboxReply {
	const size = Number(firstValue(request.query.PageSize) ?? TWILIO_PAGE_DEFAULT);
	const pageNumber = Number(firstValue(request.query.Page) ?? 0);
	const token = firstValue(request.query.PageToken);
	let start: number;
	let end: number;
	if (token) {
		const match = new RegExp(`^(PA|PB)(${list.sidPrefix}[0-9a-f]{32})$`).exec(token);
		const index = match ? items.findIndex((item) => item.sid === match[2]) : -1;
		if (!match || index < 0) return twilioError(400, 20001, `Invalid parameter PageToken: '${token}' is not a page token of this list`);
		if (match[1] === 'PA') {
			start = index + 1;
			end = Math.min(items.length, start + size);
		} else {
			end = index;
			start = Math.max(0, end - size);
		}
	} else {
		start = Math.min(items.length, pageNumber * size);
		end = Math.min(items.length, start + size);
	}
	const page = items.slice(start, end);
	const extraQuery = list.extraQuery ?? '';
	const pageUrl = (number: number, pageToken?: string) =>
		`${list.url}?PageSize=${size}&Page=${number}${extraQuery}${pageToken ? `&PageToken=${pageToken}` : ''}`;
	return {
		status: 200,
		body: {
			[list.key]: page.map(render),
			meta: {
				page: pageNumber,
				page_size: size,
				first_page_url: pageUrl(0),
				previous_page_url: start > 0 && page.length > 0 ? pageUrl(Math.max(0, pageNumber - 1), `PB${page[0].sid}`) : null,
				url: pageUrl(pageNumber, token),
				next_page_url: end < items.length && page.length > 0 ? pageUrl(pageNumber + 1, `PA${page[page.length - 1].sid}`) : null,
				key: list.key,
			},
		},
	};
}
