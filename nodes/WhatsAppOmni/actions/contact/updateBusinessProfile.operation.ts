import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { WHATSAPP_VERTICALS } from '../../helpers/businessProfile';
import type { BusinessProfileUpdate, WhatsAppProvider } from '../../providers/types';
import { businessProfileJson, readSenderChoice, twilioSenderOptions } from './getProfileInfo.operation';

const VERTICAL_OPTIONS = Object.entries(WHATSAPP_VERTICALS)
	.map(([value, name]) => ({ name, value }))
	.sort((a, b) => a.name.localeCompare(b.name));

const properties: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		description: 'The fields to change; the ones left out stay as they are. The business name is changed in WhatsApp Manager (Meta reviews it), not here.',
		options: [
			{
				displayName: 'About',
				name: 'about',
				type: 'string',
				default: '',
				description: 'The short text under the business name, 1 to 139 characters',
			},
			{
				displayName: 'Address',
				name: 'address',
				type: 'string',
				default: '',
				description: 'The business’s address, up to 256 characters',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: 'A longer description of the business, up to 512 characters',
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'The contact email customers see, up to 128 characters',
			},
			{
				displayName: 'Vertical',
				name: 'vertical',
				type: 'options',
				options: VERTICAL_OPTIONS,
				default: 'OTHER',
				description: 'The business category WhatsApp shows. Twilio takes every category except Not a Business.',
			},
			{
				displayName: 'Websites',
				name: 'websites',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				placeholder: 'https://www.example.com',
				description: 'Up to 2 web addresses starting with http:// or https://. Each entry may also hold several, separated by commas (a comma inside an address, e.g. in its query, is kept).',
			},
		],
	},
	twilioSenderOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['updateBusinessProfile'] } }, properties);

interface UpdateFields {
	about?: string;
	address?: string;
	description?: string;
	email?: string;
	vertical?: string;
	websites?: string | string[];
}

// A comma starts a new website only when a scheme follows it, so a comma inside a URL's query stays.
const WEBSITE_SEPARATOR = /,\s*(?=https?:\/\/)/i;

function readWebsites(value: string | string[]): string[] {
	const list = Array.isArray(value) ? value : [value];
	return list
		.flatMap((entry) => String(entry ?? '').split(WEBSITE_SEPARATOR))
		.map((entry) => entry.trim())
		.filter((entry) => entry.length > 0);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as UpdateFields;
	const update: BusinessProfileUpdate = {};
	if (fields.about !== undefined) update.about = String(fields.about);
	if (fields.address !== undefined) update.address = String(fields.address);
	if (fields.description !== undefined) update.description = String(fields.description);
	if (fields.email !== undefined) update.email = String(fields.email).trim();
	if (fields.vertical !== undefined) update.vertical = String(fields.vertical);
	if (fields.websites !== undefined) update.websites = readWebsites(fields.websites);
	// Each provider checks WhatsApp's profile rules itself, before its first request.
	return businessProfileJson(await provider.updateBusinessProfile(update, readSenderChoice.call(this, itemIndex, provider)));
}
