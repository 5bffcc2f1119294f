import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import { parseJsonArray, pick } from '../../helpers/json';
import type { InteractiveContent, InteractiveHeader, ListSection, MessageContent, ReplyButton } from '../../providers/types';
import { sendDescription, sendOperation, type MessageType } from './send';

const BUTTONS_EXAMPLE = '[{"id":"yes","title":"Yes"},{"id":"no","title":"No"}]';
const ROWS_EXAMPLE =
	'[{"section":"Pizzas","id":"margherita","title":"Margherita","description":"Tomato, mozzarella"},{"section":"Drinks","id":"cola","title":"Cola"}]';

const show = (interactiveType: string[], extra: IDataObject = {}) => ({ show: { interactiveType, ...extra } });

export const fields: INodeProperties[] = [
	{
		displayName: 'Type',
		name: 'interactiveType',
		type: 'options',
		default: 'buttons',
		options: [
			{ name: 'Call-to-Action URL', value: 'ctaUrl', description: 'One button that opens a web page' },
			{ name: 'List', value: 'list', description: 'A button that opens a list of up to 10 choices, in sections' },
			{ name: 'Reply Buttons', value: 'buttons', description: 'Up to 3 buttons the person taps to answer' },
		],
		description:
			'The kind of interactive message. Replies to buttons and lists reach the trigger with the chosen ID. On Twilio the node creates a matching Content template once and reuses it.',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		description: 'The message text above the buttons: up to 1,024 characters (lists: 4,096 on Meta)',
	},
	{
		displayName: 'Header',
		name: 'headerType',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'Document', value: 'document', description: 'Reply buttons on Meta only' },
			{ name: 'Image', value: 'image', description: 'Reply buttons on Meta only' },
			{ name: 'None', value: 'none' },
			{ name: 'Text', value: 'text', description: 'Bold line above the body, up to 60 characters' },
			{ name: 'Video', value: 'video', description: 'Reply buttons on Meta only' },
		],
		description:
			'An optional header. Lists take text only. Twilio has no headers: a text header is added to the body in bold, media headers are refused.',
	},
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		required: true,
		description: 'Up to 60 characters',
		displayOptions: { show: { headerType: ['text'] } },
	},
	{
		displayName: 'Header Media URL',
		name: 'headerMediaUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/menu.jpg',
		description: 'Public http(s) URL of the image, video or document shown above the body',
		displayOptions: { show: { headerType: ['image', 'video', 'document'] } },
	},
	{
		displayName: 'Define Choices',
		name: 'choicesInputMode',
		type: 'options',
		default: 'fields',
		options: [
			{ name: 'Using Fields Below', value: 'fields' },
			{ name: 'Using JSON', value: 'json', description: 'An array built by a previous node or an AI agent' },
		],
		description: 'How to give the buttons or list rows',
		displayOptions: show(['buttons', 'list']),
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Button',
		description: '1 to 3 reply buttons',
		displayOptions: show(['buttons'], { choicesInputMode: ['fields'] }),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{ displayName: 'Title', name: 'title', type: 'string', default: '', required: true, description: 'Shown on the button: up to 20 characters, unique' },
					{ displayName: 'ID', name: 'id', type: 'string', default: '', description: 'Sent back when tapped (up to 256 characters). Empty: the title.' },
				],
			},
		],
	},
	{
		displayName: 'Buttons (JSON)',
		name: 'buttonsJson',
		type: 'json',
		default: BUTTONS_EXAMPLE,
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id
		description: `1 to 3 buttons, each {"id", "title"} (title up to 20 characters, unique). Example: ${BUTTONS_EXAMPLE}.`,
		displayOptions: show(['buttons'], { choicesInputMode: ['json'] }),
	},
	{
		displayName: 'Button Text',
		name: 'listButtonText',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'See options',
		description: 'The button that opens the list: up to 20 characters',
		displayOptions: show(['list']),
	},
	{
		displayName: 'Rows',
		name: 'rows',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Row',
		description: 'Up to 10 rows in total. Rows with the same section title are grouped; section titles are needed when there is more than one section.',
		displayOptions: show(['list'], { choicesInputMode: ['fields'] }),
		options: [
			{
				displayName: 'Row',
				name: 'row',
				values: [
					{ displayName: 'Section', name: 'section', type: 'string', default: '', description: 'Section title, up to 24 characters' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '', required: true, description: 'Up to 24 characters' },
					{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'Up to 72 characters' },
					{ displayName: 'ID', name: 'id', type: 'string', default: '', description: 'Sent back when chosen (up to 200 characters). Empty: the title.' },
				],
			},
		],
	},
	{
		displayName: 'Rows (JSON)',
		name: 'rowsJson',
		type: 'json',
		default: ROWS_EXAMPLE,
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id
		description: `Rows {"id", "title", "description"?, "section"?}, or sections {"title", "rows": [...]}. Example: ${ROWS_EXAMPLE}.`,
		displayOptions: show(['list'], { choicesInputMode: ['json'] }),
	},
	{
		displayName: 'Button Text',
		name: 'ctaDisplayText',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Track my order',
		description: 'The button’s label: up to 20 characters',
		displayOptions: show(['ctaUrl']),
	},
	{
		displayName: 'Button URL',
		name: 'ctaUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/orders/1042',
		description: 'The page the button opens',
		displayOptions: show(['ctaUrl']),
	},
];

export const optionFields: INodeProperties[] = [
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Small grey text under the body, up to 60 characters. On Twilio it is added to the body in italics.',
	},
];

function buttonsFrom(entries: Array<Record<string, unknown>>): ReplyButton[] {
	return entries.map((entry) => {
		const title = pick(entry, 'title', 'text', 'label') ?? '';
		return { id: pick(entry, 'id', 'payload') ?? title, title };
	});
}

/** Rows grouped by section title, in the order sections first appear. */
function sectionsFromRows(entries: Array<Record<string, unknown>>): ListSection[] {
	if (entries.some((entry) => Array.isArray(entry.rows))) {
		return entries.map((section) => ({
			title: pick(section, 'title', 'section'),
			rows: (section.rows as Array<Record<string, unknown>>).map((row) => {
				const title = pick(row, 'title', 'item') ?? '';
				return { id: pick(row, 'id') ?? title, title, description: pick(row, 'description') };
			}),
		}));
	}
	const sections = new Map<string, ListSection>();
	for (const entry of entries) {
		const sectionTitle = pick(entry, 'section', 'sectionTitle') ?? '';
		const title = pick(entry, 'title', 'item') ?? '';
		let section = sections.get(sectionTitle);
		if (!section) {
			section = { ...(sectionTitle ? { title: sectionTitle } : {}), rows: [] };
			sections.set(sectionTitle, section);
		}
		section.rows.push({ id: pick(entry, 'id') ?? title, title, ...(pick(entry, 'description') ? { description: pick(entry, 'description') } : {}) });
	}
	return [...sections.values()];
}

export async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	const param = <T>(name: string, fallback: T) => this.getNodeParameter(name, itemIndex, fallback) as T;
	const kind = param<string>('interactiveType', 'buttons');
	const options = param<{ footer?: string }>('options', {});
	const headerType = param<string>('headerType', 'none');
	let header: InteractiveHeader | undefined;
	if (headerType === 'text') header = { type: 'text', text: param('headerText', '') };
	else if (headerType === 'image' || headerType === 'video' || headerType === 'document') {
		header = { type: headerType, url: param('headerMediaUrl', '').trim() };
	}
	const common = {
		type: 'interactive' as const,
		body: param<string>('body', ''),
		...(header ? { header } : {}),
		...(options.footer ? { footer: options.footer } : {}),
	};
	const json = param<string>('choicesInputMode', 'fields') === 'json';
	let content: InteractiveContent;
	switch (kind) {
		case 'buttons':
			content = {
				...common,
				kind: 'buttons',
				buttons: buttonsFrom(
					json ? parseJsonArray(param('buttonsJson', '[]'), 'Buttons (JSON)', BUTTONS_EXAMPLE) : param<IDataObject[]>('buttons.button', []),
				),
			};
			break;
		case 'list':
			content = {
				...common,
				kind: 'list',
				buttonText: param('listButtonText', ''),
				sections: sectionsFromRows(
					json ? parseJsonArray(param('rowsJson', '[]'), 'Rows (JSON)', ROWS_EXAMPLE) : param<IDataObject[]>('rows.row', []),
				),
			};
			break;
		case 'ctaUrl':
			content = { ...common, kind: 'ctaUrl', displayText: param('ctaDisplayText', ''), url: param('ctaUrl', '').trim() };
			break;
		default:
			throw new ValidationError('Type', `"${kind}" is not an interactive message type; use buttons, list or ctaUrl`);
	}
	return content;
}

export const messageType: MessageType = { fields, optionFields, readContent };

/** The reply buttons' and list's own fields (Send and Wait offers them too, under the same names). */
export const choiceFields = fields.filter((field) =>
	['choicesInputMode', 'buttons', 'buttonsJson', 'listButtonText', 'rows', 'rowsJson'].includes(field.name),
);

export const description = sendDescription('sendInteractive', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
