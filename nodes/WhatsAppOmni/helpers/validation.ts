import type {
	ContactsContent,
	InteractiveContent,
	LocationContent,
	MediaContent,
	MessageContent,
	ProviderLimits,
	TemplateContent,
	TextContent,
} from '../providers/types';
import { baseMimeType } from './mimeTypes';
import { ValidationError } from './ValidationError';

/**
 * WhatsApp's own rules, the same whichever provider carries the message, plus the provider's
 * limits it is given. Everything here runs before any request.
 */

/** Characters as WhatsApp counts them: an emoji is one, not two UTF-16 units. */
export function characterCount(text: string): number {
	return [...text].length;
}

function maxLength(field: string, value: string | undefined, max: number, who = 'WhatsApp') {
	if (value === undefined) return;
	const length = characterCount(value);
	if (length > max) {
		throw new ValidationError(field, `${field} has ${length} characters; ${who} allows at most ${max}`);
	}
}

function required(field: string, value: string | undefined): string {
	if (value === undefined || value.trim() === '') {
		throw new ValidationError(field, `${field} is empty`);
	}
	return value;
}

export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

function httpUrl(field: string, value: string | undefined) {
	required(field, value);
	if (!isHttpUrl(value!.trim())) {
		throw new ValidationError(field, `${field} "${value}" is not an http(s) URL`, 'Give a full public URL starting with https://.');
	}
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KB`;
	return `${bytes} bytes`;
}

function validateText(content: TextContent, limits: ProviderLimits, who: string) {
	required('Text', content.text);
	maxLength('Text', content.text, limits.textMaxLength, who);
}

const MEDIA_LABELS: Record<MediaContent['mediaType'], string> = {
	image: 'Image',
	audio: 'Audio',
	video: 'Video',
	document: 'Document',
	sticker: 'Sticker',
};

/** A WebP file is animated when it carries an ANIM chunk; checked on the first bytes only. */
export function isAnimatedWebp(head: Buffer): boolean {
	return head.subarray(0, 4).toString('latin1') === 'RIFF' && head.indexOf('ANIM', 12, 'latin1') !== -1;
}

export function validateMedia(content: MediaContent, limits: ProviderLimits, who: string) {
	const animated = content.animated;
	const label = MEDIA_LABELS[content.mediaType];
	if (content.caption !== undefined && content.caption !== '') {
		if (content.mediaType === 'audio' || content.mediaType === 'sticker') {
			throw new ValidationError('Caption', `${label} messages cannot have a caption`, 'Send the text as a separate message.');
		}
		maxLength('Caption', content.caption, limits.captionMaxLength, who);
	}
	if (content.filename && content.mediaType !== 'document') {
		throw new ValidationError('File Name', `Only documents have a file name; this is ${content.mediaType}`);
	}
	if (content.voice && content.mediaType !== 'audio') {
		throw new ValidationError('Voice Note', 'Only audio can be sent as a voice note');
	}
	const source = content.source;
	if (source.kind === 'url') httpUrl(`${label} URL`, source.url);
	if (source.kind === 'id') required(`${label} Media ID`, source.id);

	const limit = limits.media[content.mediaType];
	const declaredType = source.kind === 'binary' ? source.file.mimeType : content.mimeType;
	const mimeType = declaredType ? baseMimeType(declaredType) : undefined;
	if (limit && mimeType && !limit.mimeTypes.includes(mimeType)) {
		const judged = source.kind === 'url' ? ' (judging by the URL’s file extension)' : '';
		throw new ValidationError(
			`${label} type`,
			`${label} files of type ${mimeType}${judged} cannot be sent; ${who} accepts ${limit.mimeTypes.join(', ')}`,
			content.mediaType === 'sticker' ? 'Convert the sticker to WebP.' : 'Convert the file to one of the accepted types, or send it as a document.',
		);
	}
	if (content.voice && mimeType && mimeType !== 'audio/ogg') {
		throw new ValidationError('Voice Note', `A voice note must be OGG/OPUS audio (audio/ogg), not ${mimeType}`);
	}
	if (limit && source.kind === 'binary') {
		const max =
			content.mediaType === 'sticker' && animated && limits.animatedStickerMaxBytes
				? limits.animatedStickerMaxBytes
				: limit.maxBytes;
		if (source.file.size > max) {
			const what = content.mediaType === 'sticker' ? `${animated ? 'animated' : 'static'} sticker` : content.mediaType;
			throw new ValidationError(
				`${label} size`,
				`The ${what} "${source.file.fileName}" is ${formatBytes(source.file.size)}; ${who} allows at most ${formatBytes(max)} for a ${what}`,
			);
		}
	}
}

function validateLocation(content: LocationContent) {
	const { latitude, longitude } = content;
	if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
		throw new ValidationError('Latitude', `Latitude ${latitude} is out of range; it must be between -90 and 90`);
	}
	if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
		throw new ValidationError('Longitude', `Longitude ${longitude} is out of range; it must be between -180 and 180`);
	}
}

const BIRTHDAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validateContacts(content: ContactsContent) {
	if (content.vCardUrl !== undefined) {
		httpUrl('vCard URL', content.vCardUrl);
		if (content.contacts.length === 0) return;
	}
	if (content.contacts.length === 0) {
		throw new ValidationError('Contacts', 'Add at least one contact');
	}
	if (content.contacts.length > 257) {
		throw new ValidationError('Contacts', `There are ${content.contacts.length} contacts; WhatsApp allows at most 257 in one message`);
	}
	content.contacts.forEach((contact, index) => {
		const n = `Contact ${index + 1}`;
		required(`${n} formatted name`, contact.name.formattedName);
		if (contact.birthday) {
			const match = BIRTHDAY.exec(contact.birthday);
			const date = match ? new Date(`${contact.birthday}T00:00:00Z`) : undefined;
			if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== contact.birthday) {
				throw new ValidationError(`${n} birthday`, `${n} birthday "${contact.birthday}" is not a date in the form YYYY-MM-DD`);
			}
		}
		contact.phones?.forEach((phone, i) => required(`${n} phone ${i + 1}`, phone.phone));
		contact.emails?.forEach((email, i) => {
			if (!/^[^@\s]+@[^@\s]+$/.test(email.email ?? '')) {
				throw new ValidationError(`${n} email ${i + 1}`, `${n} email ${i + 1} "${email.email}" is not an email address`);
			}
		});
		contact.urls?.forEach((url, i) => httpUrl(`${n} URL ${i + 1}`, url.url));
	});
}

function validateInteractive(content: InteractiveContent, limits: ProviderLimits) {
	if (content.header?.type === 'text') maxLength('Header text', content.header.text, 60);
	else if (content.header) httpUrl(`Header ${content.header.type} URL`, content.header.url);
	maxLength('Footer', content.footer, 60);
	required('Body', content.body);

	switch (content.kind) {
		case 'buttons': {
			maxLength('Body', content.body, 1024);
			const { buttons } = content;
			if (buttons.length < 1 || buttons.length > 3) {
				throw new ValidationError('Buttons', `There are ${buttons.length} buttons; WhatsApp reply buttons need 1 to 3`, 'Use a list for up to 10 choices.');
			}
			const titles = new Set<string>();
			const ids = new Set<string>();
			buttons.forEach((button, index) => {
				const n = `Button ${index + 1}`;
				required(`${n} title`, button.title);
				maxLength(`${n} title`, button.title, 20);
				required(`${n} ID`, button.id);
				maxLength(`${n} ID`, button.id, 256);
				if (button.id !== button.id.trim()) {
					throw new ValidationError(`${n} ID`, `${n} ID "${button.id}" starts or ends with a space`);
				}
				if (titles.has(button.title.trim())) {
					throw new ValidationError(`${n} title`, `${n} title "${button.title}" is used twice; button titles must be unique`);
				}
				if (ids.has(button.id)) {
					throw new ValidationError(`${n} ID`, `${n} ID "${button.id}" is used twice; button IDs must be unique`);
				}
				titles.add(button.title.trim());
				ids.add(button.id);
			});
			return;
		}
		case 'list': {
			maxLength('Body', content.body, limits.listBodyMaxLength);
			if (content.header && content.header.type !== 'text') {
				throw new ValidationError('Header', 'A list message can only have a text header');
			}
			required('Button Text', content.buttonText);
			maxLength('Button Text', content.buttonText, 20);
			const { sections } = content;
			if (sections.length < 1 || sections.length > 10) {
				throw new ValidationError('Sections', `There are ${sections.length} sections; a list needs 1 to 10`);
			}
			const rows = sections.reduce((total, section) => total + section.rows.length, 0);
			if (rows < 1 || rows > 10) {
				throw new ValidationError('Rows', `There are ${rows} rows in total; a list needs 1 to 10 rows across all its sections`);
			}
			const ids = new Set<string>();
			sections.forEach((section, s) => {
				const n = `Section ${s + 1}`;
				if (sections.length > 1) required(`${n} title`, section.title);
				maxLength(`${n} title`, section.title, 24);
				if (section.rows.length === 0) throw new ValidationError(`${n} rows`, `${n} has no rows`);
				section.rows.forEach((row, r) => {
					const rn = `${n} row ${r + 1}`;
					required(`${rn} ID`, row.id);
					maxLength(`${rn} ID`, row.id, 200);
					required(`${rn} title`, row.title);
					maxLength(`${rn} title`, row.title, 24);
					maxLength(`${rn} description`, row.description, 72);
					if (ids.has(row.id)) throw new ValidationError(`${rn} ID`, `${rn} ID "${row.id}" is used twice; row IDs must be unique`);
					ids.add(row.id);
				});
			});
			return;
		}
		case 'ctaUrl':
			maxLength('Body', content.body, 1024);
			required('Button Text', content.displayText);
			maxLength('Button Text', content.displayText, 20);
			httpUrl('Button URL', content.url);
			return;
	}
}

function validateTemplate(content: TemplateContent) {
	const known = new Map(content.definition.variables.map((variable) => [variable.key, variable]));
	const missing = content.definition.variables.filter(
		(variable) => variable.required && (content.values[variable.key] ?? '').trim() === '',
	);
	if (missing.length > 0) {
		throw new ValidationError(
			'Template Variables',
			`The template "${content.definition.name}" needs ${missing.map((v) => `${v.label} (${v.key})`).join(', ')}`,
			'Fill in every variable the template has; WhatsApp refuses a template with missing values.',
		);
	}
	const extra = Object.keys(content.values).filter((key) => !known.has(key) && content.values[key] !== '');
	if (extra.length > 0) {
		throw new ValidationError(
			'Template Variables',
			`The template "${content.definition.name}" has no variable ${extra.map((k) => `"${k}"`).join(', ')}`,
			`Its variables are: ${[...known.keys()].join(', ') || 'none'}. Refresh the variable list after changing the template.`,
		);
	}
	for (const variable of content.definition.variables) {
		const value = content.values[variable.key];
		if (value && variable.kind === 'mediaUrl') httpUrl(variable.label, value);
	}
}

/** Checks a message against WhatsApp's rules and the provider's limits. `who` names the provider. */
export function validateContent(content: MessageContent, limits: ProviderLimits, who: string) {
	switch (content.type) {
		case 'text':
			return validateText(content, limits, who);
		case 'media':
			return validateMedia(content, limits, who);
		case 'location':
			return validateLocation(content);
		case 'contacts':
			return validateContacts(content);
		case 'interactive':
			return validateInteractive(content, limits);
		case 'template':
			return validateTemplate(content);
	}
}
