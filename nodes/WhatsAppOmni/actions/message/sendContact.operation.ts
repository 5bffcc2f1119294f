import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseJsonArray, pick } from '../../helpers/json';
import type { ContactCard, MessageContent } from '../../providers/types';
import { sendDescription, sendOperation, type MessageType } from './send';

const CONTACTS_EXAMPLE =
	'[{"formattedName":"Ana Silva","phones":[{"phone":"+5511987654321","type":"CELL"}],"emails":[{"email":"ana@example.com"}],"organization":{"company":"Acme"}}]';

export const fields: INodeProperties[] = [
	{
		displayName: 'Define Contacts',
		name: 'contactsInputMode',
		type: 'options',
		default: 'fields',
		options: [
			{ name: 'Using Fields Below', value: 'fields', description: 'One card per entry, with one phone, email, address and URL each' },
			{ name: 'Using JSON', value: 'json', description: 'An array of contacts, e.g. built by a previous node or an AI agent' },
		],
		description: 'How to give the contact cards',
		displayOptions: { show: { '/provider': ['meta'] } },
	},
	{
		displayName: 'Contacts',
		name: 'contacts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Contact',
		description: 'The contact cards to send (up to 257)',
		displayOptions: { show: { '/provider': ['meta'], contactsInputMode: ['fields'] } },
		options: [
			{
				displayName: 'Contact',
				name: 'contact',
				values: [
					{
						displayName: 'Birthday',
						name: 'birthday',
						type: 'string',
						default: '',
						placeholder: '1990-04-23',
						description: 'YYYY-MM-DD',
					},
					{
						displayName: 'City',
						name: 'city',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Company',
						name: 'company',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Country',
						name: 'country',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Country Code',
						name: 'countryCode',
						type: 'string',
						default: '',
						placeholder: 'BR',
					},
					{
						displayName: 'Department',
						name: 'department',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
					},
					{
						displayName: 'First Name',
						name: 'firstName',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Formatted Name',
						name: 'formattedName',
						type: 'string',
						default: '',
							required:	true,
						description: 'The full name as shown on the card, e.g. Ana Silva',
					},
					{
						displayName: 'Job Title',
						name: 'title',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Last Name',
						name: 'lastName',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Phone',
						name: 'phone',
						type: 'string',
						default: '',
						placeholder: '+5511987654321',
					},
					{
						displayName: 'Phone Type',
						name: 'phoneType',
						type: 'options',
						default: 'CELL',
						options: [
							{
								name: 'Cell',
								value: 'CELL',
							},
							{
								name: 'Home',
								value: 'HOME',
							},
							{
								name: 'iPhone',
								value: 'IPHONE',
							},
							{
								name: 'Main',
								value: 'MAIN',
							},
							{
								name: 'Work',
								value: 'WORK',
							},
						]
					},
					{
						displayName: 'State',
						name: 'state',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Street',
						name: 'street',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Website',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://example.com',
					},
					{
						displayName: 'WhatsApp ID',
						name: 'waId',
						type: 'string',
						default: '',
						description: 'The number’s WhatsApp ID (digits), which adds a Message button to the card',
					},
					{
						displayName: 'ZIP',
						name: 'zip',
						type: 'string',
						default: '',
					},
			],
			},
		],
	},
	{
		displayName: 'Contacts (JSON)',
		name: 'contactsJson',
		type: 'json',
		default: '[]',
		// JSON keys are lowercase on purpose: the casing rules would break the example.
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-url
		description: `An array of contacts. Each needs formattedName; optional firstName, lastName, phones [{phone, type, waId}], emails [{email, type}], organization {company, department, title}, addresses [{street, city, state, zip, country, countryCode, type}], urls [{url, type}], birthday (YYYY-MM-DD). Example: ${CONTACTS_EXAMPLE}`,
		displayOptions: { show: { '/provider': ['meta'], contactsInputMode: ['json'] } },
	},
	{
		displayName: 'vCard URL',
		name: 'vCardUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/contacts/ana-silva.vcf',
		description:
			'Twilio cannot send contact cards: it sends a contact as a vCard (.vcf) file, which it downloads from a public URL served as text/vcard. This node serves no files, so give that URL.',
		displayOptions: { show: { '/provider': ['twilio'] } },
	},
];

export const optionFields: INodeProperties[] = [];

function fromFields(entry: IDataObject): ContactCard {
	const text = (key: string) => (entry[key] ? String(entry[key]) : undefined);
	const address = ['street', 'city', 'state', 'zip', 'country', 'countryCode'].some((key) => text(key));
	return {
		name: { formattedName: text('formattedName') ?? '', firstName: text('firstName'), lastName: text('lastName') },
		...(text('phone') ? { phones: [{ phone: text('phone')!, type: text('phoneType'), waId: text('waId') }] } : {}),
		...(text('email') ? { emails: [{ email: text('email')! }] } : {}),
		...(text('company') || text('department') || text('title')
			? { organization: { company: text('company'), department: text('department'), title: text('title') } }
			: {}),
		...(text('url') ? { urls: [{ url: text('url')! }] } : {}),
		...(text('birthday') ? { birthday: text('birthday') } : {}),
		...(address
			? { addresses: [{ street: text('street'), city: text('city'), state: text('state'), zip: text('zip'), country: text('country'), countryCode: text('countryCode') }] }
			: {}),
	};
}

const list = (value: unknown) => (Array.isArray(value) ? value : value ? [value] : []) as Array<Record<string, unknown> | string>;

/** Tolerant of the shapes agents produce: camelCase or Meta's snake_case, strings for single values. */
function fromJson(entry: Record<string, unknown>): ContactCard {
	const name = (typeof entry.name === 'object' && entry.name ? entry.name : {}) as Record<string, unknown>;
	const org = (entry.organization ?? entry.org ?? {}) as Record<string, unknown>;
	return {
		name: {
			formattedName:
				pick(entry, 'formattedName', 'formatted_name') ??
				pick(name, 'formattedName', 'formatted_name') ??
				(typeof entry.name === 'string' ? entry.name : ''),
			firstName: pick(entry, 'firstName', 'first_name') ?? pick(name, 'firstName', 'first_name'),
			lastName: pick(entry, 'lastName', 'last_name') ?? pick(name, 'lastName', 'last_name'),
			middleName: pick(name, 'middleName', 'middle_name'),
			prefix: pick(name, 'prefix'),
			suffix: pick(name, 'suffix'),
		},
		phones: list(entry.phones ?? entry.phone).map((p) =>
			typeof p === 'string' ? { phone: p } : { phone: pick(p, 'phone') ?? '', type: pick(p, 'type'), waId: pick(p, 'waId', 'wa_id') },
		),
		emails: list(entry.emails ?? entry.email).map((e) => (typeof e === 'string' ? { email: e } : { email: pick(e, 'email') ?? '', type: pick(e, 'type') })),
		...(Object.keys(org).length
			? { organization: { company: pick(org, 'company'), department: pick(org, 'department'), title: pick(org, 'title') } }
			: {}),
		addresses: list(entry.addresses).map((a) =>
			typeof a === 'string'
				? { street: a }
				: {
						street: pick(a, 'street'),
						city: pick(a, 'city'),
						state: pick(a, 'state'),
						zip: pick(a, 'zip'),
						country: pick(a, 'country'),
						countryCode: pick(a, 'countryCode', 'country_code'),
						type: pick(a, 'type'),
					},
		),
		urls: list(entry.urls ?? entry.url).map((u) => (typeof u === 'string' ? { url: u } : { url: pick(u, 'url') ?? '', type: pick(u, 'type') })),
		...(pick(entry, 'birthday') ? { birthday: pick(entry, 'birthday') } : {}),
	};
}

async function readContent(this: IExecuteFunctions, itemIndex: number): Promise<MessageContent> {
	if (this.getNodeParameter('provider', itemIndex) === 'twilio') {
		return { type: 'contacts', contacts: [], vCardUrl: String(this.getNodeParameter('vCardUrl', itemIndex, '')).trim() };
	}
	const mode = this.getNodeParameter('contactsInputMode', itemIndex, 'fields') as string;
	const contacts =
		mode === 'json'
			? parseJsonArray(this.getNodeParameter('contactsJson', itemIndex, '[]'), 'Contacts (JSON)', CONTACTS_EXAMPLE).map(fromJson)
			: ((this.getNodeParameter('contacts.contact', itemIndex, []) as IDataObject[]) ?? []).map(fromFields);
	return { type: 'contacts', contacts };
}

export const messageType: MessageType = { fields, optionFields, readContent };

export const description = sendDescription('sendContact', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
