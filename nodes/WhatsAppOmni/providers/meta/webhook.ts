/**
 * Meta's webhook POST (`{object:'whatsapp_business_account', entry:[{id, changes:[{field, value}]}]}`)
 * turned into unified events: one per message, per status and per value-level error, across every
 * entry and change of a batch, plus one per template, account or unknown update.
 *
 * Identity changes become `identity` events: the system messages `user_changed_number` and
 * `user_changed_user_id` (instead of messages of type `system`), and each item of the
 * `user_id_update` field. Every contact gets `id`, the phone number or else the BSUID.
 *
 * Only the envelope is checked strictly (WebhookFormatError, answered with 400). Inside it nothing
 * throws: a field or a message type this code does not know becomes an `unsupported` event or an
 * `unsupported` message that carries the original in `raw`. Each message, status, error and update
 * is parsed on its own (webhookEvents.ts): an unreadable timestamp is marked, not fatal; values
 * nested too deep are cut; an item whose parsing throws becomes an `unsupported` event with
 * `update.parseError`, and the rest of the batch goes on.
 */
import { compact, limitDepth } from '../../helpers/json';
import { phoneNumberOrUndefined as toE164 } from '../../helpers/phoneNumber';
import type { EventContact, EventError, IdentityChange, IdentityIds, InboundMedia, InboundMessage, InboundReply, UnifiedEvent } from '../events';
import { WebhookFormatError } from '../WebhookFormatError';
import { guardEvent, MAX_EVENT_DEPTH, unixTimestamp, unparsedEvent, withContactId } from '../webhookEvents';

type Json = Record<string, unknown>;

const WABA_OBJECT = 'whatsapp_business_account';

/** Fields whose updates are about one message template (event `template`). */
const TEMPLATE_FIELDS = new Set([
	'message_template_status_update',
	'message_template_quality_update',
	'message_template_components_update',
	'template_category_update',
]);

/** Fields whose updates are about the account or a phone number (event `account`). */
const ACCOUNT_FIELDS = new Set([
	'account_update',
	'account_alerts',
	'account_review_update',
	'phone_number_quality_update',
	'phone_number_name_update',
	'business_capability_update',
	'security',
]);

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** System message types that are identity changes (event `identity`), and what changed. */
const IDENTITY_SYSTEM_TYPES: Record<string, IdentityChange['change']> = {
	user_changed_number: 'phoneNumber',
	user_changed_user_id: 'userId',
};

/** The field of BSUID changes, as partners name it (not in Meta's reference). */
const USER_ID_UPDATE_FIELD = 'user_id_update';

/**
 * @param body the parsed JSON of Meta's POST
 * @param now  used as the timestamp of updates that carry none (value-level errors)
 * @throws WebhookFormatError when the body is not a WhatsApp Business Account webhook
 */
export function parseMetaWebhook(body: unknown, now: Date = new Date()): UnifiedEvent[] {
	if (!isObject(body)) throw new WebhookFormatError('meta', 'the body is not a JSON object');
	if (body.object !== WABA_OBJECT) {
		throw new WebhookFormatError('meta', `"object" is ${describe(body.object)}, not "${WABA_OBJECT}"`);
	}
	if (!Array.isArray(body.entry)) throw new WebhookFormatError('meta', '"entry" is not an array');

	const events: UnifiedEvent[] = [];
	body.entry.forEach((entry: unknown, i: number) => {
		if (!isObject(entry)) throw new WebhookFormatError('meta', `entry[${i}] is not an object`);
		if (!Array.isArray(entry.changes)) throw new WebhookFormatError('meta', `entry[${i}] has no "changes" array`);
		entry.changes.forEach((change: unknown, j: number) => {
			if (!isObject(change) || typeof change.field !== 'string') {
				throw new WebhookFormatError('meta', `entry[${i}].changes[${j}] has no "field"`);
			}
			try {
				events.push(...parseChange(entry, change as Json & { field: string }, now));
			} catch (error) {
				// parseChange guards each of its events; this is for what comes before them.
				const wabaId = asString(entry.id);
				const id = joinId(change.field, wabaId, asString(entry.time));
				const item = { provider: 'meta' as const, field: change.field, item: 'update' as const, id, business: compact({ wabaId }), raw: change };
				events.push(unparsedEvent(item, error, now));
			}
		});
	});
	return events;
}

function parseChange(entry: Json, change: Json & { field: string }, now: Date): UnifiedEvent[] {
	const { field } = change;
	const value = asObject(change.value) ?? {};
	const wabaId = asString(entry.id);
	if (field === 'messages') return parseMessagesValue(value, wabaId, entry, change, now);
	if (field === USER_ID_UPDATE_FIELD && Array.isArray(value[USER_ID_UPDATE_FIELD])) return parseUserIdUpdates(value, wabaId, entry, now);

	const metadata = asObject(value.metadata);
	const business = compact({
		phoneNumber: toE164(metadata?.display_phone_number ?? value.display_phone_number ?? value.phone_number),
		phoneNumberId: asString(metadata?.phone_number_id),
		wabaId,
	});
	const time = asString(entry.time);
	const unparsed = { provider: 'meta' as const, field, item: 'update' as const, id: joinId(field, wabaId, time), business, raw: change };

	// Template updates are named by the template; account updates by what happened to the account.
	const kind = TEMPLATE_FIELDS.has(field) ? 'template' : ACCOUNT_FIELDS.has(field) ? 'account' : undefined;
	if (kind) {
		const build = (): UnifiedEvent => ({
			event: kind,
			provider: 'meta',
			id:
				kind === 'template'
					? (asString(value.message_template_id) ?? asString(value.message_template_name) ?? joinId(field, wabaId, time))
					: joinId(field, wabaId, asString(value.event), time),
			...unixTimestamp(entry.time, now),
			business,
			contact: {},
			update: { ...(camelKeys(value) as Json), field },
			raw: change,
		});
		return [guardEvent(build, unparsed, now)];
	}
	return [guardEvent(() => unsupportedUpdate(field, business, joinId(field, wabaId, time), entry.time, now, change), unparsed, now)];
}

function parseMessagesValue(value: Json, wabaId: string | undefined, entry: Json, change: Json, now: Date): UnifiedEvent[] {
	const metadata = asObject(value.metadata);
	const business = compact({
		phoneNumber: toE164(metadata?.display_phone_number),
		phoneNumberId: asString(metadata?.phone_number_id),
		wabaId,
	});
	const contacts = asArray(value.contacts).filter(isObject);
	const events: UnifiedEvent[] = [];

	const unparsed = (item: 'message' | 'status' | 'error', id: string | undefined, raw: unknown) =>
		({ provider: 'meta', field: 'messages', item, id, business, raw }) as const;

	for (const message of asArray(value.messages)) {
		if (!isObject(message)) continue;
		const build = (): UnifiedEvent => {
			const identity = identityEvent(message, contacts, business, metadata, now);
			if (identity) return identity;
			const { match, contact } = userContact(contacts, asString(message.from), asString(message.from_user_id), asString(message.from_parent_user_id));
			return {
				event: 'message',
				provider: 'meta',
				id: asString(message.id) ?? '',
				...unixTimestamp(message.timestamp, now),
				business: { ...business },
				contact,
				message: toInboundMessage(message),
				raw: compact({ metadata, contact: match, message }),
			};
		};
		events.push(guardEvent(build, unparsed('message', asString(message.id), compact({ metadata, message })), now));
	}

	for (const status of asArray(value.statuses)) {
		if (!isObject(status)) continue;
		const build = () => statusEvent(status, contacts, business, metadata, now);
		events.push(guardEvent(build, unparsed('status', asString(status.id), compact({ metadata, status })), now));
	}

	const time = asString(entry.time);
	for (const error of asArray(value.errors)) {
		if (!isObject(error)) continue;
		const id = joinId('error', business.phoneNumberId ?? wabaId, asString(error.code), time);
		const build = (): UnifiedEvent => {
			const [mapped] = toEventErrors([error]) ?? [];
			return {
				event: 'error',
				provider: 'meta',
				id,
				...unixTimestamp(entry.time, now),
				business: { ...business },
				contact: {},
				update: compact({ field: 'messages', ...mapped, href: asString(error.href) }),
				raw: compact({ metadata, error }),
			};
		};
		events.push(guardEvent(build, unparsed('error', id, compact({ metadata, error })), now));
	}

	if (!['messages', 'statuses', 'errors'].some((key) => Array.isArray(value[key]))) {
		// A `messages` change with none of the three arrays: something new; keep it visible.
		const id = joinId('messages', wabaId, time);
		const build = () => unsupportedUpdate('messages', business, id, entry.time, now, change);
		events.push(guardEvent(build, { provider: 'meta', field: 'messages', item: 'update', id, business, raw: change }, now));
	}
	return events;
}

function statusEvent(status: Json, contacts: Json[], business: UnifiedEvent['business'], metadata: Json | undefined, now: Date): UnifiedEvent {
	const recipientId = asString(status.recipient_id);
	const recipientUserId = asString(status.recipient_user_id);
	// Both spellings are reported for the parent BSUID of a recipient.
	const recipientParentUserId = asString(status.parent_recipient_user_id) ?? asString(status.recipient_parent_user_id);
	const isGroup = status.recipient_type === 'group';
	let contact: UnifiedEvent['contact'];
	let match: Json | undefined;
	if (isGroup) {
		// recipient_id is the group; the contact is the participant the status is about.
		const participant = asString(status.recipient_participant_id);
		contact = withContactId(compact({ waId: participant, phoneNumber: toE164(participant) }));
	} else {
		({ match, contact } = userContact(contacts, recipientId, recipientUserId, recipientParentUserId));
	}
	const pricing = asObject(status.pricing);
	const conversation = asObject(status.conversation);
	return {
		event: 'status',
		provider: 'meta',
		id: asString(status.id) ?? '',
		...unixTimestamp(status.timestamp, now),
		business: { ...business },
		contact,
		status: compact({
			status: asString(status.status) ?? '',
			recipient: (isGroup ? recipientId : (toE164(recipientId) ?? recipientId)) ?? recipientUserId ?? '',
			errors: toEventErrors(status.errors),
			pricing: pricing && (camelKeys(pricing) as Json),
			conversation: conversation && (camelKeys(conversation) as Json),
		}),
		raw: compact({ metadata, contact: match, status }),
	};
}

function unsupportedUpdate(
	field: string,
	business: UnifiedEvent['business'],
	id: string,
	time: unknown,
	now: Date,
	change: Json,
): UnifiedEvent {
	return {
		event: 'unsupported',
		provider: 'meta',
		id,
		...unixTimestamp(time, now),
		business: { ...business },
		contact: {},
		update: { field },
		raw: change,
	};
}

/**
 * The unified contact of a user a message is from or a status is about, with its `contacts[]`
 * entry. Users with a username may come without a phone number (`wa_id`, `from`): then only by
 * BSUID, which `id` then holds.
 */
function userContact(
	contacts: Json[],
	waId: string | undefined,
	userId: string | undefined,
	parentUserId: string | undefined,
): { match: Json | undefined; contact: EventContact } {
	const match = findContact(contacts, waId, userId);
	const profile = asObject(match?.profile);
	const matchedWaId = asString(match?.wa_id) ?? waId;
	return {
		match,
		contact: withContactId(
			compact({
				waId: matchedWaId,
				phoneNumber: toE164(matchedWaId),
				name: asString(profile?.name),
				username: asString(profile?.username),
				userId: asString(match?.user_id) ?? userId,
				parentUserId: asString(match?.parent_user_id) ?? parentUserId,
			}),
		),
	};
}

/**
 * A `user_changed_number` or `user_changed_user_id` system message as an `identity` event;
 * undefined for any other message.
 *
 * * Number: the old number is the sender (`from`), the new one `system.wa_id`; when one of them is
 *   missing it is read from `system.body` ("User … changed from <old> to <new>"), if the text
 *   says it exactly.
 * * BSUID: the new one is `system.user_id` (and `parent_user_id`). The old one is
 *   `system.previous_user_id` when Meta sends it, else the sender's `from_user_id` when that
 *   differs from the new one; otherwise it stays unknown.
 */
function identityEvent(
	message: Json,
	contacts: Json[],
	business: UnifiedEvent['business'],
	metadata: Json | undefined,
	now: Date,
): UnifiedEvent | undefined {
	const system = asObject(message.system);
	const change = message.type === 'system' && system ? IDENTITY_SYSTEM_TYPES[asString(system.type) ?? ''] : undefined;
	if (!system || !change) return undefined;
	const description = asString(system.body);
	const current: IdentityIds = { userId: asString(system.user_id), parentUserId: asString(system.parent_user_id) };
	const previous: IdentityIds = {
		userId: asString(system.previous_user_id) ?? changedFrom(asString(message.from_user_id), current.userId),
		parentUserId: asString(system.previous_parent_user_id) ?? changedFrom(asString(message.from_parent_user_id), current.parentUserId),
	};
	let waId = asString(system.wa_id) ?? asString(system.new_wa_id);
	if (change === 'phoneNumber') {
		const told = numberChangeText(description);
		previous.phoneNumber = toE164(message.from) ?? told?.from;
		current.phoneNumber = toE164(waId) ?? told?.to;
		waId ??= current.phoneNumber?.slice(1);
	} else {
		// The number did not change: the notice names it in wa_id, or comes from it.
		waId ??= asString(message.from);
	}
	const match = findContact(contacts, asString(message.from), asString(message.from_user_id));
	return {
		event: 'identity',
		provider: 'meta',
		id: asString(message.id) ?? '',
		...unixTimestamp(message.timestamp, now),
		business: { ...business },
		contact: withContactId(
			compact({
				waId,
				phoneNumber: change === 'phoneNumber' ? current.phoneNumber : toE164(waId),
				userId: current.userId,
				parentUserId: current.parentUserId,
			}),
		),
		identity: compact({ change, previous: compact(previous), current: compact(current), description }),
		raw: compact({ metadata, contact: match, message }),
	};
}

/** The sender's ID as the one before a change: only when the new one is known and differs. */
function changedFrom(sender: string | undefined, current: string | undefined): string | undefined {
	return sender !== undefined && current !== undefined && sender !== current ? sender : undefined;
}

/** "User <name> changed from <old> to <new>": both numbers, only when the text ends exactly so. */
function numberChangeText(body: string | undefined): { from?: string; to?: string } | undefined {
	const match = body === undefined ? null : /\bchanged from \+?(\d{6,15}) to \+?(\d{6,15})\.?$/.exec(body.trim());
	return match ? compact({ from: toE164(match[1]), to: toE164(match[2]) }) : undefined;
}

/**
 * The `user_id_update` field (named by partners, not in Meta's reference):
 * `{metadata?, user_id_update: [{wa_id?, detail, user_id: {previous, current}, timestamp}]}`, one
 * `identity` event per item.
 */
function parseUserIdUpdates(value: Json, wabaId: string | undefined, entry: Json, now: Date): UnifiedEvent[] {
	const metadata = asObject(value.metadata);
	const business = compact({
		phoneNumber: toE164(metadata?.display_phone_number),
		phoneNumberId: asString(metadata?.phone_number_id),
		wabaId,
	});
	return asArray(value[USER_ID_UPDATE_FIELD])
		.filter(isObject)
		.map((item) => {
			const ids = asObject(item.user_id);
			const previous = compact({ userId: asString(ids?.previous) });
			const current = compact({ userId: asString(ids?.current) });
			const time = item.timestamp ?? entry.time;
			const id = joinId(USER_ID_UPDATE_FIELD, business.phoneNumberId ?? wabaId, previous.userId, current.userId, asString(time));
			const raw = compact({ metadata, update: item });
			const build = (): UnifiedEvent => {
				const waId = asString(item.wa_id);
				return {
					event: 'identity',
					provider: 'meta',
					id,
					...unixTimestamp(time, now),
					business: { ...business },
					contact: withContactId(compact({ waId, phoneNumber: toE164(waId), userId: current.userId })),
					identity: compact({ change: 'userId' as const, previous, current, description: asString(item.detail) }),
					raw,
				};
			};
			return guardEvent(build, { provider: 'meta', field: USER_ID_UPDATE_FIELD, item: 'update', id, business, raw }, now);
		});
}

/** The `contacts[]` entry for a user: by phone number (`wa_id`), else by BSUID (`user_id`). */
function findContact(contacts: Json[], waId: string | undefined, userId: string | undefined): Json | undefined {
	const byPhone = waId === undefined ? undefined : contacts.find((c) => asString(c.wa_id) === waId);
	if (byPhone) return byPhone;
	const byUser = userId === undefined ? undefined : contacts.find((c) => asString(c.user_id) === userId);
	if (byUser) return byUser;
	// Without any identifier on the item, a lone contact can only be that user.
	return waId === undefined && userId === undefined && contacts.length === 1 ? contacts[0] : undefined;
}

/** The content of one inbound message; context, referral and errors are added for every type. */
function toInboundMessage(message: Json): InboundMessage {
	const type = asString(message.type) ?? '';
	let inbound: InboundMessage;
	if (type === 'edit') {
		// The edited message comes whole inside `edit.message`; the edited one is the "context".
		const edit = asObject(message.edit);
		const inner = asObject(edit?.message);
		const content = inner ? messageContent(asString(inner.type) ?? '', inner) : { type: 'unsupported' as const };
		inbound = { ...content, type: 'edit' };
		const original = asString(edit?.original_message_id);
		if (original) inbound.edit = { originalMessageId: original };
	} else if (type === 'revoke') {
		inbound = { type: 'revoke' };
		const original = asString(asObject(message.revoke)?.original_message_id);
		if (original) inbound.revoke = { originalMessageId: original };
	} else {
		inbound = messageContent(type, message);
		const context = asObject(message.context);
		if (context) inbound.context = toContext(context);
	}

	const referral = asObject(message.referral);
	if (referral) inbound.referral = camelKeys(referral) as Json;
	const errors = toEventErrors(message.errors);
	if (errors) inbound.errors = errors;
	return inbound;
}

function messageContent(type: string, message: Json): InboundMessage {
	const content = asObject(message[type]);
	if (MEDIA_TYPES.has(type)) {
		return { type: type as InboundMessage['type'], media: toMedia(content) };
	}
	switch (type) {
		case 'text':
			return { type, text: asString(content?.body) ?? '' };
		case 'location': {
			const latitude = asNumber(content?.latitude);
			const longitude = asNumber(content?.longitude);
			if (latitude === undefined || longitude === undefined) return { type: 'unsupported' };
			return {
				type,
				location: compact({
					latitude,
					longitude,
					name: asString(content?.name),
					address: asString(content?.address),
					url: asString(content?.url),
				}),
			};
		}
		case 'contacts':
			return { type, contacts: asArray(message.contacts) };
		case 'interactive': {
			const reply = toInteractiveReply(content);
			return reply ? { type, reply } : { type: 'unsupported' };
		}
		case 'button': {
			const payload = asString(content?.payload);
			const text = asString(content?.text) ?? '';
			return { type, reply: compact({ id: payload ?? text, title: text, payload, kind: 'template_button' }) };
		}
		case 'reaction': {
			const emoji = asString(content?.emoji);
			return {
				type,
				reaction: compact({ messageId: asString(content?.message_id) ?? '', emoji: emoji === '' ? undefined : emoji }),
			};
		}
		case 'order':
			return {
				type,
				order: compact({
					catalogId: asString(content?.catalog_id),
					text: asString(content?.text),
					items: asArray(content?.product_items)
						.filter(isObject)
						.map((item) =>
							compact({
								productId: asString(item.product_retailer_id) ?? '',
								quantity: asNumber(item.quantity) ?? 0,
								price: asNumber(item.item_price),
								currency: asString(item.currency),
							}),
						),
				}),
			};
		case 'system':
			return {
				type,
				system: compact({
					type: asString(content?.type),
					body: asString(content?.body),
					newWaId: asString(content?.wa_id) ?? asString(content?.new_wa_id),
				}),
			};
		case 'request_welcome':
			return { type };
		default:
			// `unsupported` (Meta's own) and any type this code does not know yet.
			return { type: 'unsupported' };
	}
}

function toInteractiveReply(interactive: Json | undefined): InboundReply | undefined {
	const kind = asString(interactive?.type);
	const detail = kind ? asObject(interactive?.[kind]) : undefined;
	if (!detail) return undefined;
	switch (kind) {
		case 'button_reply':
			return { id: asString(detail.id) ?? '', title: asString(detail.title) ?? '', kind: 'button' };
		case 'list_reply':
			return compact({
				id: asString(detail.id) ?? '',
				title: asString(detail.title) ?? '',
				description: asString(detail.description),
				kind: 'list',
			});
		case 'nfm_reply':
			// A WhatsApp Flow (or address message) answer: the filled-in fields are in response_json.
			return compact({
				id: asString(detail.name) ?? 'flow',
				title: asString(detail.body) ?? '',
				payload: typeof detail.response_json === 'string' ? detail.response_json : jsonOrUndefined(detail.response_json),
				kind: 'flow',
			});
		case 'call_permission_reply': {
			const response = asString(detail.response) ?? '';
			return { id: response, title: response, kind: 'call_permission' };
		}
		default:
			return undefined;
	}
}

function toMedia(content: Json | undefined): InboundMedia {
	return compact({
		id: asString(content?.id),
		url: asString(content?.url),
		mimeType: asString(content?.mime_type),
		sha256: asString(content?.sha256),
		caption: asString(content?.caption),
		filename: asString(content?.filename),
		voice: typeof content?.voice === 'boolean' ? content.voice : undefined,
		animated: typeof content?.animated === 'boolean' ? content.animated : undefined,
	});
}

function toContext(context: Json): NonNullable<InboundMessage['context']> {
	return compact({
		// Forwarded messages have a context without an ID.
		messageId: asString(context.id),
		from: toE164(context.from) ?? asString(context.from),
		forwarded: context.forwarded === true ? true : undefined,
		frequentlyForwarded: context.frequently_forwarded === true ? true : undefined,
	});
}

function toEventErrors(value: unknown): EventError[] | undefined {
	const errors = asArray(value)
		.filter(isObject)
		.map((error) =>
			compact({
				code: typeof error.code === 'number' ? error.code : (asString(error.code) ?? ''),
				title: asString(error.title),
				message: asString(error.message),
				details: asString(asObject(error.error_data)?.details),
			}),
		);
	return errors.length ? errors : undefined;
}

// ---- small helpers -------------------------------------------------------------------------

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Json | undefined {
	return isObject(value) ? value : undefined;
}

function asArray(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function asNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		const number = Number(value);
		return Number.isFinite(number) ? number : undefined;
	}
	return undefined;
}

/** JSON text of a value, with what nests too deep cut first (JSON.stringify recurses). */
function jsonOrUndefined(value: unknown): string | undefined {
	return value === undefined ? undefined : JSON.stringify(limitDepth(value, MAX_EVENT_DEPTH).value);
}

function joinId(...parts: Array<string | undefined>): string {
	return parts.filter((part) => part !== undefined && part !== '').join(':');
}

/**
 * snake_case keys as camelCase, down to MAX_EVENT_DEPTH levels; what lies deeper stays as sent
 * (and is then cut from the event by boundEvent), so a deep value cannot overflow the stack.
 */
function camelKeys(value: unknown, depth = 0): unknown {
	if (depth > MAX_EVENT_DEPTH) return value;
	if (Array.isArray(value)) return value.map((inner) => camelKeys(inner, depth + 1));
	if (!isObject(value)) return value;
	return Object.fromEntries(
		Object.entries(value).map(([key, inner]) => [key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), camelKeys(inner, depth + 1)]),
	);
}

function describe(value: unknown): string {
	if (value === undefined) return 'missing';
	const text = JSON.stringify(limitDepth(value, 4).value);
	return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
