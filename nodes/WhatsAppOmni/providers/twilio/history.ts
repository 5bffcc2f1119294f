import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';

import { ValidationError } from '../../helpers/ValidationError';
import { deliveryStatus } from '../deliveryStatus';
import type { ChatHistoryQuery, StoredMessage } from '../types';
import { withRawResponse } from './client';
import type { TwilioContext } from './context';
import { MESSAGE_SID, toWhatsAppAddress } from './messages';

/** Twilio's page size cap for the Messages list. */
const MAX_PAGE_SIZE = 1000;

/** The Message resource as the API sends it (snake_case), the fields this module reads. */
export interface TwilioMessageJson {
	sid: string;
	status: string;
	direction: string;
	from: string | null;
	to: string | null;
	body?: string | null;
	num_media?: string | number | null;
	error_code?: number | string | null;
	error_message?: string | null;
	date_created?: string | null;
	date_sent?: string | null;
	date_updated?: string | null;
	price?: string | number | null;
	price_unit?: string | null;
	[key: string]: unknown;
}

function withoutChannel(address: string | null | undefined): string {
	return (address ?? '').replace(/^whatsapp:/i, '');
}

function isoDate(value: string | null | undefined): string | undefined {
	if (!value) return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export function toStoredMessage(json: TwilioMessageJson): StoredMessage {
	// inbound, or outbound-api / outbound-reply / outbound-call.
	const inbound = json.direction === 'inbound';
	const from = withoutChannel(json.from);
	const to = withoutChannel(json.to);
	const mediaCount = Number(json.num_media ?? 0);
	const errorCode = json.error_code;
	const price = json.price;
	const createdAt = isoDate(json.date_created);
	const sentAt = isoDate(json.date_sent);
	const updatedAt = isoDate(json.date_updated);
	return {
		provider: 'twilio',
		messageId: json.sid,
		direction: inbound ? 'inbound' : 'outbound',
		status: deliveryStatus(json.status, inbound),
		providerStatus: json.status,
		from,
		to,
		contact: inbound ? from : to,
		...(json.body ? { text: json.body } : {}),
		...(Number.isFinite(mediaCount) && mediaCount > 0 ? { mediaCount } : {}),
		...(errorCode !== null && errorCode !== undefined && errorCode !== 0
			? { error: { code: errorCode, ...(json.error_message ? { message: json.error_message } : {}) } }
			: {}),
		...(createdAt ? { createdAt } : {}),
		...(sentAt ? { sentAt } : {}),
		...(updatedAt ? { updatedAt } : {}),
		...(price !== null && price !== undefined && price !== ''
			? { price: { amount: String(price), currency: (json.price_unit ?? 'USD').toUpperCase() } }
			: {}),
		raw: json,
	};
}

/** The SDK model's camelCase fields back in the API's names, when no wire body was captured. */
function modelJson(message: MessageInstance): TwilioMessageJson {
	return {
		sid: message.sid,
		status: message.status,
		direction: message.direction,
		from: message.from,
		to: message.to,
		body: message.body,
		num_media: message.numMedia,
		error_code: message.errorCode,
		error_message: message.errorMessage,
		date_created: message.dateCreated?.toUTCString(),
		date_sent: message.dateSent?.toUTCString(),
		date_updated: message.dateUpdated?.toUTCString(),
		price: message.price,
		price_unit: message.priceUnit,
		messaging_service_sid: message.messagingServiceSid,
		account_sid: message.accountSid,
	};
}

function checkSid(messageId: string): string {
	const sid = messageId.trim();
	if (!MESSAGE_SID.test(sid)) {
		throw new ValidationError(
			'Message ID',
			sid ? `Message ID "${sid}" is not a Twilio message SID (SM… or MM… followed by 32 hexadecimal characters)` : 'Message ID is empty',
			'Give the SID a send returned ({{ $json.messageId }}) or the trigger’s id ({{ $json.id }}); a Meta wamid.… ID cannot be looked up on Twilio.',
		);
	}
	return sid;
}

export async function getTwilioMessage(ctx: TwilioContext, messageId: string): Promise<StoredMessage> {
	const sid = checkSid(messageId);
	const { result, raw } = await withRawResponse<MessageInstance>(() =>
		ctx.client.api.v2010.accounts(ctx.accountSid).messages(sid).fetch(),
	);
	// The SDK's HTTP client hands bodies over parsed; a body that is not JSON fails in the SDK first.
	const json = raw as TwilioMessageJson | undefined;
	return toStoredMessage(json?.sid ? json : modelJson(result));
}

// ------------------------------------------------------------------------------------------
// Chat history

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch ms of an inclusive bound; a bare date covers its whole (UTC) day. */
function bound(field: 'After' | 'Before', value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const text = value.trim();
	const time = DATE_ONLY.test(text)
		? Date.parse(`${text}T${field === 'After' ? '00:00:00.000' : '23:59:59.999'}Z`)
		: Date.parse(text);
	if (Number.isNaN(time)) {
		throw new ValidationError(field, `${field} "${value}" is not a date`, 'Give an ISO 8601 date or date and time, e.g. 2025-01-31T09:00:00Z.');
	}
	return time;
}

/** Twilio filters by the UTC day, so a bound is widened to its whole day and checked exactly here. */
function utcDay(time: number): string {
	return new Date(time).toISOString().slice(0, 10);
}

function messageTime(json: TwilioMessageJson): number {
	const time = Date.parse(json.date_sent ?? json.date_created ?? '');
	return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/** What the SDK's message pages share (the first page's class and the generic next pages). */
interface MessagePageLike {
	nextPageUrl?: string;
	instances: MessageInstance[];
	nextPage(): Promise<MessagePageLike> | undefined;
}

interface ListFilter {
	to?: string;
	from?: string;
}

/**
 * One filtered Messages query read page by page, only when the merge needs its next message.
 * Twilio lists newest first (by date sent).
 */
class MessageStream {
	private buffer: TwilioMessageJson[] = [];
	private page: MessagePageLike | undefined;
	private morePages = true;

	constructor(
		private readonly ctx: TwilioContext,
		private readonly filter: ListFilter,
		private readonly days: { after?: string; before?: string },
		private readonly pageSize: number,
	) {}

	async peek(): Promise<TwilioMessageJson | undefined> {
		while (this.buffer.length === 0 && this.morePages) await this.readPage();
		return this.buffer[0];
	}

	shift(): void {
		this.buffer.shift();
	}

	/** No more messages are wanted from this query (the rest are older than the range). */
	close(): void {
		this.buffer = [];
		this.morePages = false;
	}

	private async readPage(): Promise<void> {
		const previous = this.page;
		const { result, raw } = previous
			? await withRawResponse<MessagePageLike | undefined>(async () => await previous.nextPage())
			: await withRawResponse<MessagePageLike>(
					async () =>
						await this.ctx.client.api.v2010.accounts(this.ctx.accountSid).messages.page({
							...this.filter,
							// A string goes out as given; a Date would go out as a date-time, and
							// Twilio documents the filter by day (`DateSent>=YYYY-MM-DD`: on or after).
							...(this.days.after ? { dateSentAfter: this.days.after as unknown as Date } : {}),
							...(this.days.before ? { dateSentBefore: this.days.before as unknown as Date } : {}),
							pageSize: this.pageSize,
						}),
				);
		this.page = result;
		this.morePages = !!result?.nextPageUrl;
		const body = raw as { messages?: TwilioMessageJson[] } | undefined;
		this.buffer.push(...(Array.isArray(body?.messages) ? body.messages : (result?.instances ?? []).map(modelJson)));
	}
}

/**
 * Messages with one contact, both directions, newest first: the messages the business sent to
 * the contact and those the contact sent to the business, as two filtered list queries merged
 * as they are read. With only a Messaging Service in the credential the business's own address
 * is unknown, so each query filters on the contact alone: messages between the contact and any
 * sender of the account.
 */
export async function getTwilioChatHistory(ctx: TwilioContext, query: ChatHistoryQuery): Promise<StoredMessage[]> {
	const after = bound('After', query.after);
	const before = bound('Before', query.before);
	if (after !== undefined && before !== undefined && after > before) {
		throw new ValidationError('After', `After (${query.after}) is later than Before (${query.before})`, 'Swap the two dates, or leave one of them empty.');
	}
	const limit = query.limit;
	const contact = toWhatsAppAddress(query.contact);
	const business = ctx.sender.from;
	const days = {
		...(after !== undefined ? { after: utcDay(after) } : {}),
		...(before !== undefined ? { before: utcDay(before) } : {}),
	};
	const pageSize = limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(1, limit));
	const streams = [
		new MessageStream(ctx, { to: contact, ...(business ? { from: business } : {}) }, days, pageSize),
		new MessageStream(ctx, { from: contact, ...(business ? { to: business } : {}) }, days, pageSize),
	];

	const seen = new Set<string>();
	const out: StoredMessage[] = [];
	while (limit === undefined || out.length < limit) {
		let newest: { stream: MessageStream; json: TwilioMessageJson; time: number } | undefined;
		for (const stream of streams) {
			const json = await stream.peek();
			if (!json) continue;
			const time = messageTime(json);
			if (!newest || time > newest.time) newest = { stream, json, time };
		}
		if (!newest) break;
		newest.stream.shift();
		const { json, time } = newest;
		if (after !== undefined && time < after) {
			// Everything after this in the same query is older still.
			newest.stream.close();
			continue;
		}
		if (before !== undefined && time > before) continue;
		if (seen.has(json.sid)) continue;
		seen.add(json.sid);
		out.push(toStoredMessage(json));
	}
	return out;
}
