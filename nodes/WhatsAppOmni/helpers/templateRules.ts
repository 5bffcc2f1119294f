import type { NewTemplate, NewTemplateButton, TemplateCategory } from '../providers/types';
import { characterCount } from './validation';
import { ValidationError } from './ValidationError';

/**
 * WhatsApp's rules for a new message template, the same whichever provider submits it (Meta
 * directly, Twilio through its Content API). Checked before any request so a template that
 * WhatsApp would refuse never costs an upload or a review.
 */

export const TEMPLATE_LIMITS = {
	nameMaxLength: 512,
	headerTextMaxLength: 60,
	bodyMaxLength: 1024,
	footerMaxLength: 60,
	buttonsMax: 10,
	quickRepliesMax: 10,
	buttonTextMaxLength: 25,
	urlButtonsMax: 2,
	urlMaxLength: 2000,
	phoneButtonsMax: 1,
	phoneNumberMaxLength: 20,
	copyCodeButtonsMax: 1,
	couponCodeMaxLength: 15,
} as const;

const NAME = /^[a-z0-9_]+$/;
/** `en`, `en_US`, `pt_BR`, `fil`: WhatsApp's template language codes. */
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const CATEGORIES: TemplateCategory[] = ['AUTHENTICATION', 'MARKETING', 'UTILITY'];
const POSITIONAL_NAME = /^[1-9]\d*$/;
const NAMED_NAME = /^[a-z_]+$/;
/** Anything between double braces, well-formed or not, so malformed variables are caught too. */
const BRACES = /\{\{([^{}]*)\}\}/g;
const E164 = /^\+[1-9]\d{6,14}$/;

function checkLength(field: string, text: string, max: number, what = field): void {
	const count = characterCount(text);
	if (count > max) {
		throw new ValidationError(field, `${what} is ${count} characters long; WhatsApp allows at most ${max}`, `Shorten ${what} to ${max} characters or fewer.`);
	}
}

function variableHint(format: NewTemplate['parameterFormat']): string {
	return format === 'named'
		? 'Named variables are lowercase letters and underscores in double braces, e.g. {{customer_name}}.'
		: 'Positional variables are numbers in double braces, counted from 1 in order of appearance: {{1}}, {{2}}, …';
}

/**
 * The variables of a text in order of first appearance, each once. Throws when one is
 * malformed or of the other parameter format.
 */
export function templateTextVariables(field: string, text: string, format: NewTemplate['parameterFormat']): string[] {
	const names: string[] = [];
	const stripped = text.replace(BRACES, (whole, inner: string) => {
		const name = inner.trim();
		const valid = format === 'named' ? NAMED_NAME.test(name) : POSITIONAL_NAME.test(name);
		if (!valid || inner !== name) {
			const other = format === 'named' ? POSITIONAL_NAME.test(name) : NAMED_NAME.test(name);
			throw new ValidationError(
				field,
				other
					? `${field} uses ${whole}, a ${format === 'named' ? 'positional' : 'named'} variable, but Parameter Format is ${format}`
					: `${field} has a malformed variable ${whole}`,
				other ? `Use one format throughout, or change Parameter Format. ${variableHint(format)}` : variableHint(format),
			);
		}
		if (!names.includes(name)) names.push(name);
		return '';
	});
	if (stripped.includes('{{') || stripped.includes('}}')) {
		throw new ValidationError(field, `${field} has unmatched double braces`, `Close every variable: ${variableHint(format)}`);
	}
	return names;
}

function checkPositionalOrder(field: string, names: string[]): void {
	names.forEach((name, index) => {
		if (Number(name) !== index + 1) {
			throw new ValidationError(
				field,
				`${field} uses {{${name}}} where {{${index + 1}}} is expected: positional variables must be numbered 1, 2, 3… in order of appearance`,
				`Renumber the variables so the first is {{1}}, the next new one {{2}}, and so on.`,
			);
		}
	});
}

function checkPlacement(field: string, text: string): void {
	const trimmed = text.trim();
	if (/^\{\{[^{}]*\}\}/.test(trimmed) || /\{\{[^{}]*\}\}$/.test(trimmed)) {
		throw new ValidationError(
			field,
			`${field} may not start or end with a variable`,
			'WhatsApp rejects templates whose text begins or ends with a variable: add words before the first and after the last, e.g. "Hi {{1}}, …" and "… Thank you."',
		);
	}
	if (/\}\}\s*\{\{/.test(trimmed)) {
		throw new ValidationError(field, `${field} has two variables next to each other`, 'Put at least one word between variables, e.g. "{{1}} at {{2}}".');
	}
}

function checkHeader(template: NewTemplate): void {
	const { header } = template;
	if (!header) return;
	if (header.format === 'text') {
		if (!header.text.trim()) throw new ValidationError('Header Text', 'Header Text is empty', 'Fill in the header text, or choose no header.');
		checkLength('Header Text', header.text, TEMPLATE_LIMITS.headerTextMaxLength);
		const names = templateTextVariables('Header Text', header.text, template.parameterFormat);
		if (names.length > 1) {
			throw new ValidationError('Header Text', `Header Text has ${names.length} variables; WhatsApp allows at most one in a header`, 'Keep one variable in the header and move the others into the body.');
		}
		if (template.parameterFormat === 'positional') checkPositionalOrder('Header Text', names);
		if (names.length === 1 && !header.example?.trim()) {
			throw new ValidationError('Header Example', `The header variable {{${names[0]}}} needs an example`, 'Give a sample value for it in Header Example; WhatsApp reviewers see it.');
		}
		return;
	}
	if (header.format === 'location') return;
	const { sample } = header;
	if (sample.kind === 'id' && !sample.id.trim()) {
		throw new ValidationError('Header Handle', `A ${header.format} header needs a sample`, 'Give the upload handle, or choose a binary file as the sample.');
	}
	if (sample.kind === 'url' && !/^https?:\/\/\S+$/i.test(sample.url.trim())) {
		throw new ValidationError('Header Sample URL', `"${sample.url}" is not an http(s) URL`, 'Give the public URL of a sample file.');
	}
}

function checkBody(template: NewTemplate): void {
	const { body } = template;
	if (!body.trim()) throw new ValidationError('Body', 'Body is empty', 'Every template needs a body text.');
	checkLength('Body', body, TEMPLATE_LIMITS.bodyMaxLength);
	const names = templateTextVariables('Body', body, template.parameterFormat);
	if (template.parameterFormat === 'positional') checkPositionalOrder('Body', names);
	if (names.length === 0) return;
	checkPlacement('Body', body);
	for (const name of names) {
		const example = template.bodyExamples[name];
		if (example === undefined || String(example).trim() === '') {
			throw new ValidationError('Body Examples', `The body variable {{${name}}} has no example`, `Add an example with Variable "${name}" and a sample value; WhatsApp requires one for every variable.`);
		}
	}
	const unused = Object.keys(template.bodyExamples).filter((name) => !names.includes(name));
	if (unused.length > 0) {
		throw new ValidationError('Body Examples', `Body Examples has ${unused.map((n) => `"${n}"`).join(', ')}, which the body does not use`, `The body's variables are ${names.map((n) => `{{${n}}}`).join(', ')}. Remove the other examples or fix their names.`);
	}
}

function checkFooter(template: NewTemplate): void {
	if (template.footer === undefined || template.footer === '') return;
	checkLength('Footer', template.footer, TEMPLATE_LIMITS.footerMaxLength);
	if (/\{\{|\}\}/.test(template.footer)) {
		throw new ValidationError('Footer', 'Footer may not contain variables', 'WhatsApp footers are fixed text; move the variable into the body.');
	}
}

const BUTTON_LABELS: Record<NewTemplateButton['type'], string> = {
	quickReply: 'quick reply',
	url: 'URL',
	phoneNumber: 'phone number',
	copyCode: 'copy code',
};

function checkButtonText(position: number, button: Exclude<NewTemplateButton, { type: 'copyCode' }>): void {
	const field = `Buttons › ${position} Text`;
	if (!button.text.trim()) throw new ValidationError(field, `Button ${position} (${BUTTON_LABELS[button.type]}) has no text`, 'Give every button a label.');
	checkLength(field, button.text, TEMPLATE_LIMITS.buttonTextMaxLength, `The text of button ${position}`);
}

function checkUrlButton(position: number, button: Extract<NewTemplateButton, { type: 'url' }>): void {
	const field = `Buttons › ${position} URL`;
	const url = button.url.trim();
	checkLength(field, url, TEMPLATE_LIMITS.urlMaxLength, `The URL of button ${position}`);
	if (!/^https?:\/\/[^\s/]+/i.test(url)) {
		throw new ValidationError(field, `The URL of button ${position} ("${url}") is not an http(s) URL`, 'Give a full URL such as https://example.com/orders/{{1}}.');
	}
	const variables = url.match(/\{\{[^{}]*\}\}/g) ?? [];
	if (variables.length > 1 || (variables.length === 1 && (variables[0] !== '{{1}}' || !url.endsWith('{{1}}')))) {
		throw new ValidationError(field, `The URL of button ${position} may only have one variable, {{1}}, at its end`, 'E.g. https://example.com/track/{{1}}; WhatsApp fills in only the end of a URL.');
	}
	if (variables.length === 0 && /\{\{|\}\}/.test(url)) {
		throw new ValidationError(field, `The URL of button ${position} has unmatched double braces`, 'Use {{1}} at the end, e.g. https://example.com/track/{{1}}.');
	}
	if (variables.length === 1) {
		const example = button.example?.trim() ?? '';
		if (!example) {
			throw new ValidationError(`Buttons › ${position} URL Example`, `The URL of button ${position} has a variable but no example`, 'Give a full sample URL, e.g. https://example.com/track/A-1042.');
		}
		if (!/^https?:\/\/\S+$/i.test(example)) {
			throw new ValidationError(`Buttons › ${position} URL Example`, `The URL example of button ${position} ("${example}") is not a full URL`, 'Give the whole URL with the variable filled in, e.g. https://example.com/track/A-1042.');
		}
		checkLength(`Buttons › ${position} URL Example`, example, TEMPLATE_LIMITS.urlMaxLength, `The URL example of button ${position}`);
	}
}

function checkButtons(template: NewTemplate): void {
	const { buttons } = template;
	if (buttons.length > TEMPLATE_LIMITS.buttonsMax) {
		throw new ValidationError('Buttons', `The template has ${buttons.length} buttons; WhatsApp allows at most ${TEMPLATE_LIMITS.buttonsMax}`, 'Remove buttons.');
	}
	const counts = { quickReply: 0, url: 0, phoneNumber: 0, copyCode: 0 };
	buttons.forEach((button, index) => {
		const position = index + 1;
		counts[button.type]++;
		if (button.type === 'copyCode') {
			const field = `Buttons › ${position} Example`;
			if (!button.example.trim()) throw new ValidationError(field, `The copy code button ${position} needs a sample coupon code`, 'Give the code reviewers see, e.g. SAVE25.');
			checkLength(field, button.example, TEMPLATE_LIMITS.couponCodeMaxLength, `The sample code of button ${position}`);
			return;
		}
		checkButtonText(position, button);
		if (button.type === 'url') checkUrlButton(position, button);
		if (button.type === 'phoneNumber') {
			const field = `Buttons › ${position} Phone Number`;
			const number = button.phoneNumber.trim();
			checkLength(field, number, TEMPLATE_LIMITS.phoneNumberMaxLength, `The phone number of button ${position}`);
			if (!E164.test(number)) {
				throw new ValidationError(field, `The phone number of button ${position} ("${number}") is not in international format`, 'Give it with + and the country code, digits only, e.g. +15551234567.');
			}
		}
	});
	const limits: Array<[keyof typeof counts, number]> = [
		['quickReply', TEMPLATE_LIMITS.quickRepliesMax],
		['url', TEMPLATE_LIMITS.urlButtonsMax],
		['phoneNumber', TEMPLATE_LIMITS.phoneButtonsMax],
		['copyCode', TEMPLATE_LIMITS.copyCodeButtonsMax],
	];
	for (const [type, max] of limits) {
		if (counts[type] > max) {
			throw new ValidationError('Buttons', `The template has ${counts[type]} ${BUTTON_LABELS[type]} buttons; WhatsApp allows at most ${max}`, 'Remove the extra buttons.');
		}
	}
	// WhatsApp shows quick replies as one group: they may come before or after the others, not between.
	const kinds = buttons.map((b) => (b.type === 'quickReply' ? 'q' : 'o')).join('').replace(/(.)\1+/g, '$1');
	if (kinds.length > 2) {
		throw new ValidationError('Buttons', 'Quick reply buttons must be grouped together, before or after the other buttons', 'Reorder the buttons so the quick replies are next to each other.');
	}
}

/** Throws a ValidationError naming the field and the limit at the first rule the template breaks. */
export function validateNewTemplate(template: NewTemplate): void {
	const name = template.name;
	if (!name) throw new ValidationError('Name', 'Name is empty', 'Give the template a name of lowercase letters, digits and underscores, e.g. order_update.');
	if (!NAME.test(name)) {
		throw new ValidationError('Name', `Name "${name}" may only contain lowercase letters, digits and underscores`, `E.g. ${name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'order_update'}.`);
	}
	checkLength('Name', name, TEMPLATE_LIMITS.nameMaxLength);
	if (!LANGUAGE.test(template.language)) {
		throw new ValidationError('Language', `Language "${template.language}" is not a WhatsApp language code`, 'Use a code such as en, en_US, es, pt_BR or fil.');
	}
	if (!CATEGORIES.includes(template.category)) {
		throw new ValidationError('Category', `Category "${String(template.category)}" is not one of ${CATEGORIES.join(', ')}`, 'Pick the category that matches what the template is for.');
	}
	if (template.parameterFormat !== 'positional' && template.parameterFormat !== 'named') {
		throw new ValidationError('Parameter Format', `Parameter Format "${String(template.parameterFormat)}" is neither positional nor named`);
	}
	checkHeader(template);
	checkBody(template);
	checkFooter(template);
	checkButtons(template);
}
