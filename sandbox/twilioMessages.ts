// Reading messages back on the Twilio emulation: GET Messages/{Sid}.json (FetchMessage) and
// GET Messages.json with To/From/DateSent filters and paging (ListMessage), keyed by operationId.
//
// The list is sorted by date sent, newest first (messages not sent yet by their creation), as
// Twilio documents. DateSent filters compare the UTC day: `DateSent` that day, `DateSent<` on or
// before it, `DateSent>` on or after it; messages without a date sent never match a date filter.
// Pages use Twilio's v2010 envelope (uri, first_page_uri, next_page_uri, previous_page_uri,
// page, page_size, start, end, messages); next/previous carry a PageToken (PA/PB + the SID at
// the page's edge) so messages arriving meanwhile do not shift the pages.

import type { TwilioMessageRecord } from './state';
import type { RouteContext, TwilioRoute } from './twilio';
import { notFound } from './twilioErrors';
import type { SandboxReply, TwilioAccount } from './types';
import { firstValue, rfc2822 } from './util';

const API_VERSION = '2010-04-01';
export const MESSAGE_PAGE_DEFAULT = 50;

function messagesPath(account: TwilioAccount): string {
	return `/${API_VERSION}/Accounts/${account.accountSid}/Messages`;
}

function date(ms: number | null): string | null {
	return ms === null ? null : rfc2822(new Date(ms));
}

/** The Message resource as the API returns it. */
export function twilioMessageJson(record: TwilioMessageRecord, account: TwilioAccount): Record<string, unknown> {
	const path = `${messagesPath(account)}/${record.sid}`;
	return {
		account_sid: account.accountSid,
		api_version: API_VERSION,
		body: record.body,
		date_created: date(record.dateCreated),
		date_sent: date(record.dateSent),
		date_updated: date(record.dateUpdated),
		direction: record.direction,
		error_code: record.errorCode,
		error_message: record.errorMessage,
		from: record.from,
		messaging_service_sid: record.messagingServiceSid,
		num_media: String(record.numMedia),
		num_segments: '1',
		price: record.price,
		price_unit: record.priceUnit,
		sid: record.sid,
		status: record.status,
		subresource_uris: { media: `${path}/Media.json` },
		to: record.to,
		uri: `${path}.json`,
	};
}

const fetchMessage: TwilioRoute = ({ pathParams, account, state }) => {
	const record = state.twilioMessages.get(pathParams.Sid);
	if (!record) return notFound(`${messagesPath(account)}/${pathParams.Sid}.json`);
	return { status: 200, body: twilioMessageJson(record, account) };
};

/** The UTC day of a DateSent filter value (a date, or a date-time the spec let through). */
function filterDay(value: string | undefined): string | undefined {
	if (value === undefined || value === '') return undefined;
	return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : new Date(Date.parse(value)).toISOString().slice(0, 10);
}

function sortTime(record: TwilioMessageRecord): number {
	return record.dateSent ?? record.dateCreated;
}

const FILTERS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] as const;

const listMessages: TwilioRoute = ({ request, account, state }: RouteContext): SandboxReply => {
	const query = (name: string) => firstValue(request.query[name]);
	const to = query('To');
	const from = query('From');
	const on = filterDay(query('DateSent'));
	const onOrBefore = filterDay(query('DateSent<'));
	const onOrAfter = filterDay(query('DateSent>'));
	const datedFilter = on !== undefined || onOrBefore !== undefined || onOrAfter !== undefined;

	const matching = [...state.twilioMessages.values()]
		.filter((record) => {
			if (to !== undefined && record.to !== to) return false;
			if (from !== undefined && record.from !== from) return false;
			if (!datedFilter) return true;
			if (record.dateSent === null) return false;
			const day = new Date(record.dateSent).toISOString().slice(0, 10);
			return (on === undefined || day === on) && (onOrBefore === undefined || day <= onOrBefore) && (onOrAfter === undefined || day >= onOrAfter);
		})
		.sort((a, b) => sortTime(b) - sortTime(a) || b.seq - a.seq);

	const pageSize = Number(query('PageSize') ?? MESSAGE_PAGE_DEFAULT);
	const page = Number(query('Page') ?? 0);
	const token = query('PageToken');
	// start/end number the page's entries as Page × PageSize says; the token picks the entries.
	const start = page * pageSize;
	let offset = start;
	const edge = token ? matching.findIndex((record) => record.sid === token.slice(2)) : -1;
	if (token?.startsWith('PA') && edge >= 0) offset = edge + 1;
	if (token?.startsWith('PB') && edge >= 0) offset = Math.max(0, edge - pageSize);
	const messages = matching.slice(offset, offset + pageSize);

	const filters: Array<[string, string]> = [];
	for (const name of FILTERS) {
		const value = query(name);
		if (value !== undefined) filters.push([name, value]);
	}
	const pageUri = (pageNumber: number, pageToken?: string) => {
		const params = new URLSearchParams([...filters, ['PageSize', String(pageSize)], ['Page', String(pageNumber)]]);
		if (pageToken) params.set('PageToken', pageToken);
		return `${messagesPath(account)}.json?${params.toString()}`;
	};
	const last = messages[messages.length - 1];
	const more = offset + messages.length < matching.length;
	return {
		status: 200,
		body: {
			end: start + Math.max(messages.length - 1, 0),
			first_page_uri: pageUri(0),
			messages: messages.map((record) => twilioMessageJson(record, account)),
			next_page_uri: more && last ? pageUri(page + 1, `PA${last.sid}`) : null,
			page,
			page_size: pageSize,
			previous_page_uri: page > 0 && messages[0] ? pageUri(page - 1, `PB${messages[0].sid}`) : null,
			start,
			uri: pageUri(page, token),
		},
	};
};

export const TWILIO_MESSAGE_ROUTES: Record<string, TwilioRoute> = {
	FetchMessage: fetchMessage,
	ListMessage: listMessages,
};
