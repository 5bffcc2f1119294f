/**
 * Twilio's form-encoded webhook (an inbound WhatsApp message, or a status callback for a message
 * sent earlier) turned into one unified event.
 *
 * Only "is this Twilio at all" is checked strictly (WebhookFormatError, answered with 400): the
 * parameters must be an object with a MessageSid. Anything else Twilio adds or changes is read as
 * far as it goes, and a MessageType this code does not know gives a message of type `unsupported`.
 * Twilio adds parameters without notice, so nothing here rejects unknown ones.
 *
 * People who hide their number behind a WhatsApp username come by business-scoped user ID (BSUID):
 * `ExternalUserId=whatsapp:US.…`, and without a number `From=whatsapp:US.…` (no `+`) with `WaId`
 * missing or holding the BSUID too (as reported, not in Twilio's reference). Such a value is never
 * read as a phone number: `contact.phoneNumber` stays empty and `contact.id` is the BSUID.
 *
 * Twilio's messaging webhooks carry no timestamp: `timestamp` is the time of receipt. The event
 * goes through the guards every parser shares (webhookEvents.ts): parameters nested too deep (a
 * JSON body) are cut from `raw`, and a request whose parsing throws past the MessageSid check
 * becomes an `unsupported` event with `update.parseError`, never a failed delivery.
 */
import { compact } from '../../helpers/json';
// E.164 with `+` for Twilio's `whatsapp:+…` addresses (and WaId's digits); undefined when it is not
// a phone number, e.g. a BSUID (`whatsapp:US.1234`).
import { phoneNumberOrUndefined as toE164 } from '../../helpers/phoneNumber';
import type { EventError, InboundMedia, InboundMessage, InboundMessageType, UnifiedEvent } from '../events';
import { WebhookFormatError } from '../WebhookFormatError';
import { guardEvent, withContactId } from '../webhookEvents';
import { TWILIO_ERRORS } from './errors';

type Params = Record<string, string | string[]>;

/** MessageType values that name a unified message type as they are. */
const KNOWN_TYPES = new Set<InboundMessageType>([
	'text',
	'image',
	'audio',
	'video',
	'document',
	'sticker',
	'location',
	'contacts',
	'interactive',
	'button',
]);

const MEDIA_TYPES = new Set<InboundMessageType>(['image', 'audio', 'video', 'document', 'sticker']);

const VCARD_TYPES = new Set(['text/vcard', 'text/x-vcard', 'text/directory']);

/** Referral* parameters (click-to-WhatsApp ads) and their unified names. */
const REFERRAL_PARAMS: Array<[string, string]> = [
	['ReferralSourceUrl', 'sourceUrl'],
	['ReferralSourceId', 'sourceId'],
	['ReferralSourceType', 'sourceType'],
	['ReferralHeadline', 'headline'],
	['ReferralBody', 'body'],
	['ReferralMediaId', 'mediaId'],
	['ReferralMediaContentType', 'mediaContentType'],
	['ReferralMediaUrl', 'mediaUrl'],
	['ReferralCtwaClid', 'ctwaClid'],
];

/** Most media a message can carry; guards the MediaUrl{N} loop against a silly NumMedia. */
const MAX_MEDIA = 20;

/**
 * @param params the form parameters of Twilio's request (a repeated name gives an array; its first value is used)
 * @param now    the event's timestamp: Twilio sends none, so it is the time of parsing
 * @throws WebhookFormatError when the parameters are not an object or have no MessageSid
 */
export function parseTwilioWebhook(params: Params, now: Date = new Date()): UnifiedEvent[] {
	if (typeof params !== 'object' || params === null || Array.isArray(params)) {
		throw new WebhookFormatError('twilio', 'the parameters are not an object');
	}
	const get = (name: string): string | undefined => {
		const value: unknown = params[name];
		const first: unknown = Array.isArray(value) ? value[0] : value;
		return typeof first === 'string' ? first : undefined;
	};
	const sid = get('MessageSid');
	if (!sid) throw new WebhookFormatError('twilio', 'there is no MessageSid parameter');

	const status = (get('MessageStatus') ?? get('SmsStatus'))?.trim().toLowerCase();
	const isStatus = status !== undefined && status !== '' && status !== 'received';
	const timestamp = now.toISOString();
	const build = () => (isStatus ? statusEvent(get, sid, status, timestamp, params) : messageEvent(get, sid, timestamp, params));
	const item = { provider: 'twilio', field: 'messages', item: isStatus ? 'status' : 'message', id: sid, raw: params } as const;
	return [guardEvent(build, item, now)];
}

type Getter = (name: string) => string | undefined;

function statusEvent(get: Getter, sid: string, status: string, timestamp: string, params: Params): UnifiedEvent {
	const to = get('To');
	const recipient = toE164(to);
	const errorCode = get('ErrorCode')?.trim();
	let errors: EventError[] | undefined;
	if (errorCode && errorCode !== '0') {
		const code = /^\d+$/.test(errorCode) ? Number(errorCode) : errorCode;
		errors = [
			compact({
				code,
				title: typeof code === 'number' ? TWILIO_ERRORS[code]?.message : undefined,
				message: nonEmpty(get('ChannelStatusMessage')) ?? nonEmpty(get('ErrorMessage')),
			}),
		];
	}
	return {
		event: 'status',
		provider: 'twilio',
		id: sid,
		timestamp,
		business: compact({ phoneNumber: toE164(get('From')) }),
		contact: withContactId(compact({ waId: recipient?.slice(1), phoneNumber: recipient, userId: recipient ? undefined : userIdOf(to) })),
		status: compact({ status, recipient: recipient ?? stripChannel(to) ?? '', errors }),
		raw: params,
	};
}

function messageEvent(get: Getter, sid: string, timestamp: string, params: Params): UnifiedEvent {
	const from = toE164(get('From'));
	const waId = nonEmpty(get('WaId'));
	return {
		event: 'message',
		provider: 'twilio',
		id: sid,
		timestamp,
		business: compact({ phoneNumber: toE164(get('To')) }),
		contact: withContactId(
			compact({
				// WaId is the number's digits; reported to hold the BSUID when there is no number.
				waId: (waId !== undefined && toE164(waId) ? waId : undefined) ?? from?.slice(1),
				phoneNumber: from,
				name: nonEmpty(get('ProfileName')),
				username: nonEmpty(get('ProfileUsername')),
				userId: userIdOf(get('ExternalUserId')) ?? (from ? undefined : (userIdOf(get('From')) ?? userIdOf(waId))),
				parentUserId: userIdOf(get('ParentExternalUserId')),
			}),
		),
		message: toInboundMessage(get),
		raw: params,
	};
}

function toInboundMessage(get: Getter): InboundMessage {
	const media = collectMedia(get);
	const body = get('Body');
	const latitude = toNumber(get('Latitude'));
	const longitude = toNumber(get('Longitude'));
	const hasLocation = latitude !== undefined && longitude !== undefined;
	const buttonPayload = nonEmpty(get('ButtonPayload'));
	const buttonText = nonEmpty(get('ButtonText'));

	const declared = nonEmpty(get('MessageType'))?.toLowerCase();
	let type: InboundMessageType;
	if (declared) {
		type = KNOWN_TYPES.has(declared as InboundMessageType) ? (declared as InboundMessageType) : 'unsupported';
	} else if (media.length) {
		type = typeFromContentType(media[0].mimeType);
	} else if (hasLocation) {
		type = 'location';
	} else if (buttonPayload !== undefined || buttonText !== undefined) {
		type = 'button';
	} else {
		type = body === undefined ? 'unsupported' : 'text';
	}

	const message: InboundMessage = { type };
	if (type === 'text' || (type === 'unsupported' && nonEmpty(body) !== undefined)) {
		message.text = body ?? '';
	}
	if (media.length) {
		// The first media item; the others stay in raw (MediaUrl1…, MediaContentType1…).
		message.media = compact({ ...media[0], caption: MEDIA_TYPES.has(type) ? nonEmpty(body) : undefined });
	}
	if (type === 'contacts') {
		// Twilio hands shared contacts over as vCard files, not as structured cards.
		message.contacts = media.filter((item) => VCARD_TYPES.has(item.mimeType ?? '')).map((item) => ({ ...item }));
	}
	if (hasLocation) {
		message.location = compact({
			latitude,
			longitude,
			name: nonEmpty(get('Label')),
			address: nonEmpty(get('Address')),
		});
	}
	if (type === 'button' || type === 'interactive') {
		// Quick-reply taps (MessageType button) and list-picker picks (MessageType interactive) both
		// carry the item's id in ButtonPayload and its title in ButtonText; Body holds the title too.
		const title = buttonText ?? nonEmpty(body) ?? '';
		message.reply = compact({
			id: buttonPayload ?? title,
			title,
			payload: buttonPayload,
			kind: type === 'interactive' ? 'list' : 'button',
		});
	}

	const context = toContext(get);
	if (context) message.context = context;
	const referral = toReferral(get);
	if (referral) message.referral = referral;
	return message;
}

function collectMedia(get: Getter): InboundMedia[] {
	const declared = Math.min(toNumber(get('NumMedia')) ?? 0, MAX_MEDIA);
	const media: InboundMedia[] = [];
	for (let i = 0; i < MAX_MEDIA; i++) {
		const url = nonEmpty(get(`MediaUrl${i}`));
		if (url === undefined && i >= declared) break;
		if (url === undefined) continue;
		media.push(compact({ url, mimeType: nonEmpty(get(`MediaContentType${i}`))?.toLowerCase() }));
	}
	return media;
}

function typeFromContentType(contentType: string | undefined): InboundMessageType {
	const mime = (contentType ?? '').split(';')[0].trim();
	if (VCARD_TYPES.has(mime)) return 'contacts';
	if (mime === 'image/webp') return 'sticker';
	if (mime.startsWith('image/')) return 'image';
	if (mime.startsWith('audio/')) return 'audio';
	if (mime.startsWith('video/')) return 'video';
	return 'document';
}

function toContext(get: Getter): InboundMessage['context'] | undefined {
	const messageId = nonEmpty(get('OriginalRepliedMessageSid'));
	const forwarded = isTrue(get('Forwarded'));
	const frequentlyForwarded = isTrue(get('FrequentlyForwarded'));
	if (!messageId && !forwarded && !frequentlyForwarded) return undefined;
	const sender = nonEmpty(get('OriginalRepliedMessageSender'));
	return compact({
		// A forwarded message that is not a reply has no message to point to.
		messageId: messageId ?? '',
		from: toE164(sender) ?? stripChannel(sender),
		forwarded: forwarded || undefined,
		frequentlyForwarded: frequentlyForwarded || undefined,
	});
}

function toReferral(get: Getter): Record<string, unknown> | undefined {
	const referral: Record<string, unknown> = {};
	for (const [param, key] of REFERRAL_PARAMS) {
		const value = nonEmpty(get(param));
		if (value !== undefined) referral[key] = value;
	}
	// ReferralNumMedia=0 comes with every inbound message; only a real referral counts.
	if (Object.keys(referral).length === 0) return undefined;
	const numMedia = toNumber(get('ReferralNumMedia'));
	if (numMedia !== undefined) referral.numMedia = numMedia;
	return referral;
}

// ---- small helpers -------------------------------------------------------------------------

function nonEmpty(value: string | undefined): string | undefined {
	return value === undefined || value.trim() === '' ? undefined : value;
}

function toNumber(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const number = Number(value);
	return Number.isFinite(number) ? number : undefined;
}

function isTrue(value: string | undefined): boolean {
	return value?.trim().toLowerCase() === 'true';
}

/** A user ID (BSUID) address without its `whatsapp:` prefix; undefined when empty or a phone number. */
function userIdOf(value: string | undefined): string | undefined {
	const id = stripChannel(nonEmpty(value));
	return id === undefined || toE164(id) !== undefined ? undefined : id;
}

/** `whatsapp:+14155238886` → `whatsapp:` removed (for values that are not phone numbers, like BSUIDs). */
function stripChannel(value: string | undefined): string | undefined {
	return value === undefined ? undefined : value.replace(/^whatsapp:/i, '').trim() || undefined;
}

