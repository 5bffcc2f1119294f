import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { parseJsonParameter } from '../../helpers/json';
import { validateNewTemplate } from '../../helpers/templateRules';
import { ValidationError } from '../../helpers/ValidationError';
import type {
	MediaSource,
	NewTemplate,
	NewTemplateButton,
	NewTemplateHeader,
	TemplateCategory,
	WhatsAppProvider,
} from '../../providers/types';
import { binaryFile } from '../message/media';
import { templateInfoJson } from './get.operation';

const MEDIA_HEADERS = ['image', 'video', 'document'];

/** WhatsApp's template categories; Get Many filters by the same ones. */
export const CATEGORY_OPTIONS: Array<INodePropertyOptions & { value: TemplateCategory }> = [
	{ name: 'Authentication', value: 'AUTHENTICATION', description: 'One-time passcodes' },
	{ name: 'Marketing', value: 'MARKETING', description: 'Promotions, offers, announcements' },
	{ name: 'Utility', value: 'UTILITY', description: 'Updates about an order, account or request the customer made' },
];

const DEFINITION_JSON: INodeProperties = {
	displayName: 'Definition (JSON)',
	name: 'definitionJson',
	type: 'json',
	default: '',
	// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-url
	description:
		'The whole template as one JSON object, for agents and expressions; its keys replace the fields above. Keys: name, language, category, parameterFormat, header ({format: "text", text, example} | {format: "image"|"video"|"document", url | handle} | {format: "location"}), body, bodyExamples ({"1": "Ada"}), footer, buttons ([{type: "quickReply"|"url"|"phoneNumber"|"copyCode", text, url, example, phoneNumber}]).',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'order_update',
		description: 'The template name WhatsApp knows it by: lowercase letters, digits and underscores, up to 512 characters',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: 'en_US',
		required: true,
		description: 'The language code of this version of the template, e.g. en_US, en, es, pt_BR',
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		default: 'UTILITY',
		description: 'What the template is for. WhatsApp prices and reviews by category and may reject a template filed under the wrong one.',
		options: CATEGORY_OPTIONS,
	},
	{
		displayName: 'Parameter Format',
		name: 'parameterFormat',
		type: 'options',
		default: 'positional',
		description: 'How the variables in the header and body are written',
		options: [
			{ name: 'Named', value: 'named', description: 'Variables by name: {{customer_name}}' },
			{ name: 'Positional', value: 'positional', description: 'Variables by number: {{1}}, {{2}}' },
		],
	},
	{
		displayName: 'Header Type',
		name: 'headerType',
		type: 'options',
		default: 'none',
		description: 'What the template shows above the body',
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Location', value: 'location' },
			{ name: 'None', value: 'none' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
	},
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		description: 'Up to 60 characters, with at most one variable',
		displayOptions: { show: { headerType: ['text'] } },
	},
	{
		displayName: 'Header Example',
		name: 'headerExample',
		type: 'string',
		default: '',
		description: 'A sample value for the header’s variable, shown to WhatsApp’s reviewers (needed when the header has a variable)',
		displayOptions: { show: { headerType: ['text'] } },
	},
	{
		displayName: 'Header Sample Source',
		name: 'headerSampleSource',
		type: 'options',
		default: 'binary',
		description: 'Where the sample file reviewers see comes from. Meta takes the file itself (uploaded for you) or a handle from an earlier upload.',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file of the input item, uploaded to Meta for you' },
			{ name: 'Upload Handle', value: 'handle', description: 'A handle from Meta’s Resumable Upload API' },
		],
		displayOptions: { show: { '/provider': ['meta'], headerType: MEDIA_HEADERS } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'headerBinaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the binary field of the input item that holds the sample file',
		description: 'The binary field with the sample file: JPEG or PNG for an image header (up to 5 MB), MP4 for a video (up to 16 MB), PDF for a document (up to 100 MB)',
		displayOptions: { show: { '/provider': ['meta'], headerType: MEDIA_HEADERS, headerSampleSource: ['binary'] } },
	},
	{
		displayName: 'Header Handle',
		name: 'headerHandle',
		type: 'string',
		default: '',
		placeholder: '4::aW1hZ2UvcG5n:ARb…',
		description: 'A handle the Resumable Upload API returned for the sample file',
		displayOptions: { show: { '/provider': ['meta'], headerType: MEDIA_HEADERS, headerSampleSource: ['handle'] } },
	},
	{
		displayName: 'Header Sample URL',
		name: 'headerSampleUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/sample.jpg',
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-url
		description: 'The public url of the sample file; Twilio fetches it (and sends it with the template)',
		displayOptions: { show: { '/provider': ['twilio'], headerType: MEDIA_HEADERS } },
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'Hi {{1}}, your order {{2}} has shipped.',
		description:
			'The message text, up to 1,024 characters. Variables are {{1}}, {{2}}… in order (or {{customer_name}} with named parameters); a variable may not start or end the text or sit next to another.',
	},
	{
		displayName: 'Body Examples',
		name: 'bodyExamples',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Example',
		default: {},
		description: 'A sample value for every body variable, shown to WhatsApp’s reviewers',
		options: [
			{
				displayName: 'Example',
				name: 'example',
				values: [
					{
						displayName: 'Variable',
						name: 'variable',
						type: 'string',
						default: '',
						placeholder: '1',
						description: 'The variable’s number or name, without braces: 1, 2, customer_name',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'Ada',
						description: 'The sample value',
					},
				],
			},
		],
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Small print under the body, up to 60 characters, no variables',
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Button',
		default: {},
		description:
			'Up to 10 buttons: up to 10 quick replies, 2 URL buttons, 1 phone button and 1 copy-code button. Quick replies must be next to each other, before or after the others.',
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Example',
						name: 'example',
						type: 'string',
						default: '',
						placeholder: 'SAVE25',
						description: 'Copy-code buttons: a sample coupon code, up to 15 characters',
					},
					{
						displayName: 'Phone Number',
						name: 'phoneNumber',
						type: 'string',
						default: '',
						placeholder: '+15551234567',
						description: 'Phone buttons: the number to call, with + and the country code',
					},
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						default: '',
						description: 'The button label, up to 25 characters (not used by copy-code buttons, which WhatsApp labels itself)',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						default: 'quickReply',
						description: 'What the button does',
						options: [
							{ name: 'Copy Code', value: 'copyCode', description: 'Copies a coupon code' },
							{ name: 'Phone Number', value: 'phoneNumber', description: 'Calls a number' },
							{ name: 'Quick Reply', value: 'quickReply', description: 'Sends its text back as a reply' },
							{ name: 'URL', value: 'url', description: 'Opens a web page' },
						],
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/track/{{1}}',
						description: 'URL buttons: the page to open, up to 2,000 characters; it may end in one {{1}} filled in at send time',
					},
					{
						displayName: 'URL Example',
						name: 'urlExample',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/track/A-1042',
						// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-url
						description: 'URL buttons with {{1}}: a full sample url with the variable filled in',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { '/provider': ['meta'] } },
		options: [
			{
				displayName: 'Allow Category Change',
				name: 'allowCategoryChange',
				type: 'boolean',
				default: false,
				description: 'Whether WhatsApp may file the template under another category instead of rejecting it',
			},
			DEFINITION_JSON,
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { '/provider': ['twilio'] } },
		options: [
			DEFINITION_JSON,
			{
				displayName: 'Submit for Approval',
				name: 'submitForApproval',
				type: 'boolean',
				default: true,
				description:
					'Whether to submit the new content to WhatsApp for approval right away. Twilio always lets WhatsApp file it under another category instead of rejecting it.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['create'] } }, properties);

type Json = Record<string, unknown>;

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

function readButtons(list: Json[], field: string): NewTemplateButton[] {
	return list.map((entry, index) => {
		const type = text(entry.type);
		switch (type) {
			case 'quickReply':
				return { type, text: text(entry.text) };
			case 'url': {
				const example = text(entry.urlExample ?? entry.example).trim();
				return { type, text: text(entry.text), url: text(entry.url).trim(), ...(example ? { example } : {}) };
			}
			case 'phoneNumber':
				return { type, text: text(entry.text), phoneNumber: text(entry.phoneNumber).trim() };
			case 'copyCode':
				return { type, example: text(entry.example).trim() };
			default:
				throw new ValidationError(field, `Button ${index + 1} has the type "${type}", which is not quickReply, url, phoneNumber or copyCode`);
		}
	});
}

function headerSample(source: string, value: { url?: unknown; handle?: unknown }, file?: () => Promise<MediaSource>): Promise<MediaSource> | MediaSource {
	if (source === 'url') return { kind: 'url', url: text(value.url).trim() };
	if (source === 'handle') return { kind: 'id', id: text(value.handle).trim() };
	if (!file) throw new ValidationError('Header Sample Source', 'A media header needs a sample: a url or an upload handle');
	return file();
}

async function readHeader(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<NewTemplateHeader | undefined> {
	const type = this.getNodeParameter('headerType', itemIndex, 'none') as string;
	if (type === 'none') return undefined;
	if (type === 'location') return { format: 'location' };
	if (type === 'text') {
		const example = text(this.getNodeParameter('headerExample', itemIndex, '')).trim();
		return { format: 'text', text: text(this.getNodeParameter('headerText', itemIndex, '')), ...(example ? { example } : {}) };
	}
	if (!MEDIA_HEADERS.includes(type)) throw new ValidationError('Header Type', `Header Type "${type}" is not one of none, text, image, video, document, location`);
	// Twilio takes only a public URL, so it has no source choice; Meta takes a file or a handle.
	const source = provider.name === 'twilio' ? 'url' : (this.getNodeParameter('headerSampleSource', itemIndex, 'binary') as string);
	const sample = await headerSample(
		source,
		{ url: this.getNodeParameter('headerSampleUrl', itemIndex, ''), handle: this.getNodeParameter('headerHandle', itemIndex, '') },
		async () => {
			const property = text(this.getNodeParameter('headerBinaryPropertyName', itemIndex, 'data')).trim() || 'data';
			return { kind: 'binary', file: await binaryFile.call(this, itemIndex, property) };
		},
	);
	return { format: type as 'image' | 'video' | 'document', sample };
}

function headerFromJson(value: unknown): NewTemplateHeader | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('Definition (JSON)', 'header must be an object');
	const header = value as Json;
	const format = text(header.format).toLowerCase();
	if (format === '' || format === 'none') return undefined;
	if (format === 'location') return { format };
	if (format === 'text') {
		const example = text(header.example).trim();
		return { format, text: text(header.text), ...(example ? { example } : {}) };
	}
	if (!MEDIA_HEADERS.includes(format)) throw new ValidationError('Definition (JSON)', `header.format "${format}" is not one of text, image, video, document, location`);
	const source = header.handle !== undefined ? 'handle' : 'url';
	const sample = headerSample(source, { url: header.url, handle: header.handle }) as MediaSource;
	return { format: format as 'image' | 'video' | 'document', sample };
}

function examplesFromJson(value: unknown): Record<string, string> {
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new ValidationError('Definition (JSON)', 'bodyExamples must be an object of variable → sample', 'E.g. {"1": "Ada", "2": "A-1042"}.');
	}
	return Object.fromEntries(Object.entries(value).map(([key, sample]) => [key, text(sample)]));
}

function applyJson(template: NewTemplate, raw: unknown): NewTemplate {
	const parsed = parseJsonParameter(raw, 'Definition (JSON)');
	if (parsed === undefined || parsed === null) return template;
	if (typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ValidationError('Definition (JSON)', 'Definition (JSON) must be one JSON object', 'E.g. {"name": "order_update", "body": "Hi {{1}}, …", "bodyExamples": {"1": "Ada"}}.');
	}
	const json = parsed as Json;
	const has = (key: string) => json[key] !== undefined;
	const buttons = has('buttons') ? json.buttons : undefined;
	if (buttons !== undefined && !Array.isArray(buttons)) throw new ValidationError('Definition (JSON)', 'buttons must be an array');
	return {
		...template,
		...(has('name') ? { name: text(json.name).trim() } : {}),
		...(has('language') ? { language: text(json.language).trim() } : {}),
		...(has('category') ? { category: text(json.category).toUpperCase() as TemplateCategory } : {}),
		...(has('parameterFormat') ? { parameterFormat: text(json.parameterFormat).toLowerCase() as NewTemplate['parameterFormat'] } : {}),
		...(has('header') ? { header: headerFromJson(json.header) } : {}),
		...(has('body') ? { body: text(json.body) } : {}),
		...(has('bodyExamples') ? { bodyExamples: examplesFromJson(json.bodyExamples) } : {}),
		...(has('footer') ? { footer: text(json.footer) || undefined } : {}),
		...(buttons ? { buttons: readButtons(buttons as Json[], 'Definition (JSON)') } : {}),
	};
}

async function readTemplate(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<NewTemplate> {
	const options = this.getNodeParameter('options', itemIndex, {}) as { allowCategoryChange?: boolean; submitForApproval?: boolean; definitionJson?: unknown };
	const examples = (this.getNodeParameter('bodyExamples.example', itemIndex, []) as Json[]) ?? [];
	const bodyExamples: Record<string, string> = {};
	for (const example of examples) {
		const variable = text(example.variable).trim().replace(/^\{\{\s*|\s*\}\}$/g, '');
		if (!variable) throw new ValidationError('Body Examples', 'A body example has no variable', 'Give the variable’s number or name, e.g. 1 or customer_name.');
		bodyExamples[variable] = text(example.value);
	}
	const footer = text(this.getNodeParameter('footer', itemIndex, ''));
	const template: NewTemplate = {
		name: text(this.getNodeParameter('name', itemIndex, '')).trim(),
		language: text(this.getNodeParameter('language', itemIndex, 'en_US')).trim(),
		category: this.getNodeParameter('category', itemIndex, 'UTILITY') as TemplateCategory,
		parameterFormat: this.getNodeParameter('parameterFormat', itemIndex, 'positional') as NewTemplate['parameterFormat'],
		header: await readHeader.call(this, itemIndex, provider),
		body: text(this.getNodeParameter('body', itemIndex, '')),
		bodyExamples,
		...(footer ? { footer } : {}),
		buttons: readButtons((this.getNodeParameter('buttons.button', itemIndex, []) as Json[]) ?? [], 'Buttons'),
		submitForApproval: options.submitForApproval !== false,
		...(options.allowCategoryChange !== undefined ? { allowCategoryChange: options.allowCategoryChange === true } : {}),
	};
	const merged = applyJson(template, options.definitionJson);
	if (merged.header === undefined) delete merged.header;
	return merged;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const template = await readTemplate.call(this, itemIndex, provider);
	validateNewTemplate(template);
	return templateInfoJson(provider, await provider.createTemplate(template));
}
