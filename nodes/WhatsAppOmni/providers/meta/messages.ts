import type {
	ContactCard,
	InteractiveContent,
	InteractiveHeader,
	MediaContent,
	MessageContent,
	OutboundMessage,
	Recipient,
} from '../types';
import { buildMetaTemplate } from './templates';

/** The Graph API wants the recipient as digits with the country code. */
export function toMetaRecipient(e164: string): string {
	return e164.replace(/^\+/, '');
}

/**
 * A phone number goes in `to`; a BSUID in `recipient`, and never in `to`: Meta accepts a BSUID
 * there and then never delivers the message. With both, Meta takes `to`, so only one is sent.
 */
function address(to: Recipient): Record<string, string> {
	return to.kind === 'bsuid' ? { recipient: to.userId } : { to: toMetaRecipient(to.phoneNumber) };
}

const compact = <T extends Record<string, unknown>>(value: T): T =>
	Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;

/** A media object; binary sources are uploaded by the provider first and arrive here as an id. */
function media(content: MediaContent): Record<string, unknown> {
	const { source } = content;
	if (source.kind === 'binary') throw new Error('Upload binary media before building the message');
	return compact({
		...(source.kind === 'id' ? { id: source.id } : { link: source.url }),
		caption: content.mediaType === 'image' || content.mediaType === 'video' || content.mediaType === 'document' ? content.caption : undefined,
		filename: content.mediaType === 'document' ? content.filename : undefined,
		voice: content.mediaType === 'audio' && content.voice ? true : undefined,
	});
}

function contact(card: ContactCard): Record<string, unknown> {
	return compact({
		name: compact({
			formatted_name: card.name.formattedName,
			first_name: card.name.firstName,
			last_name: card.name.lastName,
			middle_name: card.name.middleName,
			prefix: card.name.prefix,
			suffix: card.name.suffix,
		}),
		phones: card.phones?.map((p) => compact({ phone: p.phone, type: p.type, wa_id: p.waId })),
		emails: card.emails?.map((e) => compact({ email: e.email, type: e.type })),
		org: card.organization ? compact({ ...card.organization }) : undefined,
		addresses: card.addresses?.map((a) =>
			compact({ street: a.street, city: a.city, state: a.state, zip: a.zip, country: a.country, country_code: a.countryCode, type: a.type }),
		),
		urls: card.urls?.map((u) => compact({ url: u.url, type: u.type })),
		birthday: card.birthday,
	});
}

function header(value: InteractiveHeader | undefined): Record<string, unknown> | undefined {
	if (!value) return undefined;
	if (value.type === 'text') return { type: 'text', text: value.text };
	return { type: value.type, [value.type]: { link: value.url } };
}

function interactive(content: InteractiveContent): Record<string, unknown> {
	const common = compact({
		header: header(content.header),
		body: { text: content.body },
		footer: content.footer ? { text: content.footer } : undefined,
	});
	switch (content.kind) {
		case 'buttons':
			return {
				type: 'button',
				...common,
				action: { buttons: content.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
			};
		case 'list':
			return {
				type: 'list',
				...common,
				action: {
					button: content.buttonText,
					sections: content.sections.map((s) =>
						compact({ title: s.title, rows: s.rows.map((r) => compact({ id: r.id, title: r.title, description: r.description })) }),
					),
				},
			};
		case 'ctaUrl':
			return {
				type: 'cta_url',
				...common,
				action: { name: 'cta_url', parameters: { display_text: content.displayText, url: content.url } },
			};
	}
}

function buildContent(content: MessageContent): Record<string, unknown> {
	switch (content.type) {
		case 'text':
			return {
				type: 'text',
				text: {
					body: content.text,
					...(content.previewUrl !== undefined ? { preview_url: content.previewUrl } : {}),
				},
			};
		case 'media':
			return { type: content.mediaType, [content.mediaType]: media(content) };
		case 'location':
			return {
				type: 'location',
				location: compact({ latitude: content.latitude, longitude: content.longitude, name: content.name, address: content.address }),
			};
		case 'contacts':
			return { type: 'contacts', contacts: content.contacts.map(contact) };
		case 'interactive':
			return { type: 'interactive', interactive: interactive(content) };
		case 'template':
			return { type: 'template', template: buildMetaTemplate(content) };
	}
}

export function buildMetaMessage(message: OutboundMessage): Record<string, unknown> {
	return {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		...address(message.to),
		...(message.replyTo ? { context: { message_id: message.replyTo } } : {}),
		...buildContent(message.content),
	};
}

export function buildMetaMarkAsRead(messageId: string, typingIndicator: boolean): Record<string, unknown> {
	return {
		messaging_product: 'whatsapp',
		status: 'read',
		message_id: messageId,
		...(typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
	};
}
