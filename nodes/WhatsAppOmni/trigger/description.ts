import type { INodeProperties } from 'n8n-workflow';

import { providerSelector } from '../actions/common.descriptions';

export const MESSAGE_TYPES = [
	'audio',
	'button',
	'contacts',
	'document',
	'edit',
	'image',
	'interactive',
	'location',
	'order',
	'reaction',
	'request_welcome',
	'revoke',
	'sticker',
	'system',
	'text',
	'unsupported',
	'video',
] as const;

export const STATUS_VALUES = ['delivered', 'failed', 'played', 'read', 'sent', 'undelivered'] as const;

const meta = { '/provider': ['meta'] };
const twilio = { '/provider': ['twilio'] };

export const triggerProperties: INodeProperties[] = [
	{ ...providerSelector, description: 'Which WhatsApp API sends the webhooks. Each has its own credential.' },
	{
		displayName: 'Registration',
		name: 'metaRegistration',
		type: 'options',
		default: 'phoneNumber',
		displayOptions: { show: meta },
		options: [
			{
				name: 'App (Whole Meta App)',
				value: 'app',
				description: 'Set the app’s webhook callback, as n8n’s own WhatsApp trigger does: one workflow per Meta app. Needed for template and account updates. Uses App ID and App Secret.',
			},
			{
				name: 'Business Account',
				value: 'businessAccount',
				description: 'Override the webhook URL of the WhatsApp Business Account: one workflow per WABA',
			},
			{
				name: 'Manual',
				value: 'manual',
				description: 'Call nothing: paste the Production URL above and the Verify Token below into the app dashboard › WhatsApp › Configuration yourself',
			},
			{
				name: 'Phone Number',
				value: 'phoneNumber',
				description: 'Override the webhook URL of the credential’s phone number: one workflow per number, so one Meta app serves many workflows',
			},
		],
		description: 'How this trigger gets Meta to send it the events. It registers when the workflow is activated and undoes it when deactivated.',
	},
	{
		displayName: 'Verify Token',
		name: 'verifyToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		displayOptions: { show: { ...meta, metaRegistration: ['manual'] } },
		description: 'Any secret text; enter the same in the Meta app dashboard, which sends it back in its verification request',
	},
	{
		displayName: 'Registration',
		name: 'twilioRegistration',
		type: 'options',
		default: 'sender',
		displayOptions: { show: twilio },
		options: [
			{
				name: 'Manual',
				value: 'manual',
				description: 'Call nothing: paste the Production URL above into the Twilio Sandbox for WhatsApp settings (or the sender) yourself',
			},
			{
				name: 'Messaging Service',
				value: 'messagingService',
				description: 'Set the incoming-message and status URLs of the credential’s Messaging Service',
			},
			{
				name: 'WhatsApp Sender',
				value: 'sender',
				description: 'Set the webhook and status callback URLs of the credential’s WhatsApp sender (Senders API)',
			},
		],
		description: 'How this trigger gets Twilio to send it the events. The URLs set before are saved and put back when the workflow is deactivated.',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		default: ['messages'],
		options: [
			{ name: 'Account Updates', value: 'account', description: 'Meta, App registration only: account, quality and name updates' },
			{ name: 'Errors', value: 'errors', description: 'Errors the provider reports outside a message' },
			{
				name: 'Identity Changes',
				value: 'identity',
				description: 'Meta: a person changed their phone number or WhatsApp user ID (BSUID); the event has the previous and the current ones',
			},
			{ name: 'Messages', value: 'messages', description: 'Messages people send you' },
			{ name: 'Statuses', value: 'statuses', description: 'Sent, delivered, read and failed updates of your messages' },
			{ name: 'Template Updates', value: 'templates', description: 'Meta, App registration only: template approvals, rejections and quality changes' },
		],
		description: 'Which events start the workflow. Others are answered and dropped without an execution.',
	},
	{
		displayName: 'Message Types',
		name: 'messageTypes',
		type: 'multiOptions',
		default: [],
		options: MESSAGE_TYPES.map((type) => ({ name: type, value: type })),
		displayOptions: { show: { events: ['messages'] } },
		description:
			'Only these message types start the workflow; none chosen means all. "button" is a tap on a template quick reply; "interactive" a button or list reply. A changed number or user ID is not a "system" message but an Identity Changes event (choosing "system" here gets those too).',
	},
	{
		displayName: 'Status Values',
		name: 'statusValues',
		type: 'multiOptions',
		default: [],
		options: STATUS_VALUES.map((status) => ({ name: status, value: status })),
		displayOptions: { show: { events: ['statuses'] } },
		description: 'Only these statuses start the workflow; none chosen means all. Choosing only "failed" is the cheap way to watch for delivery problems.',
	},
	{
		displayName: 'Verify Signatures',
		name: 'verifySignature',
		type: 'boolean',
		default: true,
		description:
			'Whether to check that every request really comes from the provider (Meta: X-Hub-Signature-256 with the App Secret; Twilio: X-Twilio-Signature with the Auth Token) and refuse others with 401',
	},
	{
		displayName: 'Signatures are not checked: anyone who knows this URL can start the workflow with made-up messages. Turn this off only to debug, never in production.',
		name: 'verificationOffNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { verifySignature: [false] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description:
					'Whether to download incoming images, audio, video, documents and stickers into the item’s binary data, streamed, with their MIME type and file name. A failed download is noted in mediaDownloadError; the message is still emitted.',
			},
			{
				displayName: 'Hand Answers to Waiting Workflows',
				name: 'handAnswers',
				type: 'boolean',
				default: true,
				description:
					'Whether a message that answers a question of WhatsApp Omni › Send and Wait for Response (from the same contact to the same business number) resumes that waiting execution instead of starting this workflow. A message after the wait ended starts this workflow as usual. Needs the conversation store, where the waits are kept.',
			},
			{
				displayName: 'Ignore Duplicates',
				name: 'ignoreDuplicates',
				type: 'boolean',
				default: true,
				description:
					'Whether to drop events the provider delivers again or that are replayed: the same message ID, the same status of the same message, or the same template, account, error or other update (or message without an ID) with the same content. Both providers retry deliveries, so duplicates happen. Remembered for 24 hours in the conversation store, so a redelivery that reaches another n8n process (queue mode) is dropped too; while the store cannot be reached, in this n8n process only.',
			},
			{
				displayName: 'Put Media in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The binary field that receives downloaded media',
			},
			{
				displayName: 'Record in Store',
				name: 'recordInStore',
				type: 'boolean',
				default: true,
				description:
					'Whether to record every incoming message, status (with errors and pricing) and identity change in the conversation store (WHATSAPP_OMNI_STORE_URL), whatever the filters above. Get Status and Get Chat History on Meta, Get Window and the Window Check of send operations read it. If the store cannot be reached the events are still emitted, each with a storeWarning.',
			},
		],
	},
];
