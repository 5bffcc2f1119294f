import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { collectPages, returnAllOrLimit, readLimit } from '../../helpers/paging';
import { ValidationError } from '../../helpers/ValidationError';
import { PROVIDER_NAMES, type Recipient, type WhatsAppProvider } from '../../providers/types';
import { storedMessageJson } from '../message/getStatus.operation';
import { contactField, readContact, readStore, requireStoreScope } from './storeAccess';
import { recordedMessageJson } from './recordedJson';

const properties: INodeProperties[] = [
	contactField(
		'Every message between them and your business number is returned, both directions. Twilio looks up phone numbers only. Meta keeps no history: there it comes from the conversation store, which the WhatsApp Omni Trigger fills with what it receives and this node with what it sends.',
	),
	...returnAllOrLimit,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'After',
				name: 'after',
				type: 'dateTime',
				default: '',
				description: 'Only messages sent at or after this moment (in the workflow’s time zone unless the value names one)',
			},
			{
				displayName: 'Before',
				name: 'before',
				type: 'dateTime',
				default: '',
				description: 'Only messages sent at or before this moment (in the workflow’s time zone unless the value names one)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getChatHistory'] } }, properties);

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(timeZone: string, instant: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instant));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wallClock = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wallClock - Math.floor(instant / 1000) * 1000;
}

/**
 * n8n's date fields give a local date-time without a zone (the workflow's time zone applies);
 * expressions may give an ISO string with a zone, a Date or a Luxon DateTime.
 */
function readInstant(value: unknown, field: 'After' | 'Before', timeZone: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return checkInstant(value.getTime(), value, field);
	if (typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function') {
		const iso = (value as { toISO(): string | null }).toISO();
		return checkInstant(iso ? Date.parse(iso) : NaN, value, field);
	}
	const text = String(value).trim();
	if (text === '') return undefined;
	const local = LOCAL_DATE_TIME.exec(text);
	if (!local) return checkInstant(Date.parse(text), text, field);
	const [, year, month, day, hour, minute, second, ms] = local;
	const dateOnly = hour === undefined;
	let wallClock = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), Number((ms ?? '0').padEnd(3, '0')));
	// A bare date as the upper bound covers that whole day.
	if (dateOnly && field === 'Before') wallClock += 24 * 60 * 60 * 1000 - 1;
	if (Number.isNaN(wallClock) || new Date(wallClock).getUTCDate() !== Number(day)) return checkInstant(NaN, text, field);
	const guess = wallClock - zoneOffset(timeZone, wallClock);
	return wallClock - zoneOffset(timeZone, guess);
}

function checkInstant(time: number, value: unknown, field: string): number {
	if (Number.isNaN(time)) {
		throw new ValidationError(field, `${field} "${String(value)}" is not a valid date`, 'Pick a date in the field, or give an ISO 8601 date-time such as 2025-01-31T09:00:00Z.');
	}
	return time;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject[]> {
	const contact = readContact.call(this, itemIndex);
	const limit = readLimit.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { after?: unknown; before?: unknown };
	const timeZone = this.getTimezone();
	const after = readInstant(options.after, 'After', timeZone);
	const before = readInstant(options.before, 'Before', timeZone);
	if (after !== undefined && before !== undefined && after >= before) {
		throw new ValidationError(
			'After',
			`After (${new Date(after).toISOString()}) must be earlier than Before (${new Date(before).toISOString()})`,
			'Swap the two dates, or leave one of them empty.',
		);
	}
	const range = {
		...(after !== undefined ? { after: new Date(after).toISOString() } : {}),
		...(before !== undefined ? { before: new Date(before).toISOString() } : {}),
	};
	if (!provider.getChatHistory) return await storedHistory.call(this, itemIndex, provider, contact, range, limit);
	if (contact.kind !== 'phone') {
		throw new ValidationError(
			'Contact',
			`${PROVIDER_NAMES[provider.name]} keeps message history by phone number, so it cannot look up the business-scoped user ID (BSUID) "${contact.userId}"`,
			'Give the person’s phone number (the trigger’s {{ $json.contact.phoneNumber }}).',
		);
	}
	const messages = await provider.getChatHistory({ contact: contact.phoneNumber, ...range, ...(limit !== undefined ? { limit } : {}) });
	return messages.map(storedMessageJson);
}

/** Messages read from the store per request when all are wanted. */
const PAGE_SIZE = 500;

/** Providers that keep no history (Meta): what the trigger and this node recorded, newest first. */
async function storedHistory(
	this: IExecuteFunctions,
	itemIndex: number,
	provider: WhatsAppProvider,
	contact: Recipient,
	range: { after?: string; before?: string },
	limit: number | undefined,
): Promise<IDataObject[]> {
	const scope = requireStoreScope(provider);
	const messages = await readStore(this.getNode(), itemIndex, async (store) =>
		await collectPages(async (cursor, remaining) => {
			const page = await store.getHistory(scope, recipientContact(contact), { limit: Math.min(remaining ?? PAGE_SIZE, PAGE_SIZE), ...range, ...(cursor ? { cursor } : {}) });
			return { items: page.messages, nextCursor: page.nextCursor };
		}, limit),
	);
	return messages.map((message) => recordedMessageJson(provider.name, message));
}
