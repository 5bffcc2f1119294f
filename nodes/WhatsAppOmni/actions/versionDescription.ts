import type { INodeTypeDescription } from 'n8n-workflow';

import { bulkSending } from './bulkSending.description';
import { providerSelector } from './common.descriptions';
import * as media from './media/Media.resource';
import * as message from './message/Message.resource';
import * as template from './template/Template.resource';
import * as contact from './contact/Contact.resource';
import * as conversation from './conversation/Conversation.resource';
import * as account from './account/Account.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Omni',
	name: 'whatsAppOmni',
	icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
	group: ['output'],
	version: 1,
	// Kept literal for n8n's linter; a test checks it names every operation of OPERATION_NAMES.
	subtitle:
		'={{ ({"markAsRead":"Mark as Read","sendAndWait":"Send and Wait for Response","sendContact":"Send Contact","sendDocument":"Send Document","sendInteractive":"Send Interactive","sendLocation":"Send Location","sendMedia":"Send Media","sendReply":"Send Reply","sendSticker":"Send Sticker","sendTemplate":"Send Template","sendText":"Send Text","upload":"Upload","getUrl":"Get URL","download":"Download","delete":"Delete","getStatus":"Get Status","create":"Create","get":"Get","getMany":"Get Many","getProfileInfo":"Get Profile Info","updateBusinessProfile":"Update Business Profile","getChatHistory":"Get Chat History","getWindow":"Get Window","getState":"Get State","setState":"Set State","clearState":"Clear State","checkSetup":"Check Setup"})[$parameter["operation"]] + " via " + ($parameter["provider"] === "twilio" ? "Twilio" : "Meta") }}',
	description: 'Send WhatsApp messages through Meta’s Cloud API or Twilio',
	defaults: { name: 'WhatsApp Omni' },
	usableAsTool: true,
	// A plain 'main', not NodeConnectionTypes.Main: that constant is missing from older n8n releases.
	inputs: ['main'],
	outputs: ['main'],
	// Send and Wait for Response: n8n's resume webhook of a waiting execution (never registered
	// on activation). The WhatsApp Omni Trigger POSTs the contact's answer to it.
	webhooks: [
		{
			name: 'default',
			httpMethod: 'POST',
			responseMode: 'onReceived',
			responseData: '',
			path: '={{ $nodeId }}',
			restartWebhook: true,
			isFullPath: true,
		},
	],
	waitingNodeTooltip: '={{ "Waiting for the contact’s answer, which the WhatsApp Omni Trigger hands to this execution" }}',
	credentials: [
		{
			name: 'whatsAppOmniMetaApi',
			required: true,
			displayOptions: { show: { provider: ['meta'] } },
		},
		{
			name: 'whatsAppOmniTwilioApi',
			required: true,
			displayOptions: { show: { provider: ['twilio'] } },
		},
	],
	properties: [
		providerSelector,
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Account', value: 'account' },
				{ name: 'Contact', value: 'contact' },
				{ name: 'Conversation', value: 'conversation' },
				{ name: 'Media', value: 'media' },
				{ name: 'Message', value: 'message' },
				{ name: 'Template', value: 'template' },
			],
			default: 'message',
		},
		...message.description,
		...media.description,
		...template.description,
		...contact.description,
		...conversation.description,
		...account.description,
		bulkSending,
	],
};
