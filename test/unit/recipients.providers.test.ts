import nock from 'nock';

import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { META_ERRORS } from '../../nodes/WhatsAppOmni/providers/meta/errors';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { metaTemplateDefinition, type GraphTemplate } from '../../nodes/WhatsAppOmni/providers/meta/templates';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { MessageContent, MetaCredentials, Recipient, TemplateContent } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { captureForm, rejectionOf, useNock } from './nockHelpers';
import { ACCOUNT, twilioCredentials } from './twilioFixtures';

const BSUID = 'US.13491208655302741918';
const PARENT_BSUID = 'US.ENT.11815799212886844830';
const user: Recipient = { kind: 'bsuid', userId: BSUID };
const phone: Recipient = { kind: 'phone', phoneNumber: '+15551234567' };
const hello: MessageContent = { type: 'text', text: 'Hello' };

const metaCredentials: MetaCredentials = {
	accessToken: 'EAAG-unit-secret-token',
	phoneNumberId: '106540352242922',
	businessAccountId: '102290129340398',
	graphApiVersion: 'v24.0',
};
const meta = () => new MetaProvider(metaCredentials);
const MESSAGES = '/v24.0/106540352242922/messages';
const graph = () => nock('https://graph.facebook.com', { reqheaders: { authorization: 'Bearer EAAG-unit-secret-token' } });

const twilio = () => new TwilioProvider(twilioCredentials);
const TWILIO_MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;

const loginCode: GraphTemplate = {
	id: '9001',
	name: 'login_code',
	language: 'en_US',
	status: 'APPROVED',
	category: 'AUTHENTICATION',
	components: [
		{ type: 'BODY', text: '*{{1}}* is your verification code.' },
		{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
	],
};
const spring: GraphTemplate = {
	id: '9002',
	name: 'spring_sale',
	language: 'en_US',
	status: 'APPROVED',
	category: 'MARKETING',
	components: [{ type: 'BODY', text: 'Hi {{1}}, 20% off this week.' }],
};
const template = (graphTemplate: GraphTemplate, values: Record<string, string>): TemplateContent => ({
	type: 'template',
	template: { id: `${graphTemplate.name}|${graphTemplate.language}` },
	definition: metaTemplateDefinition(graphTemplate),
	values,
});
const otp = (graphTemplate = loginCode) => template(graphTemplate, { 'body.1': '123456', 'button.0.urlSuffix': '123456' });

useNock(() => {
	clearGraphClients();
	clearTwilioClients();
});

describe('Meta: phone numbers in to, BSUIDs in recipient', () => {
	it('sends a phone number as to, without recipient', async () => {
		const scope = graph()
			.post(MESSAGES, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '15551234567', type: 'text', text: { body: 'Hello' } })
			.reply(200, { messaging_product: 'whatsapp', contacts: [{ input: '15551234567', wa_id: '15551234567' }], messages: [{ id: 'wamid.P' }] });
		const result = await meta().sendMessage({ to: phone, content: hello });
		expect(scope.isDone()).toBe(true);
		expect(result).toMatchObject({ provider: 'meta', messageId: 'wamid.P', to: '+15551234567' });
	});

	it.each([BSUID, PARENT_BSUID])('sends the BSUID %s as recipient, never as to, and outputs it as to', async (userId) => {
		let body: Record<string, unknown> = {};
		const scope = graph()
			.post(MESSAGES, (sent) => {
				body = sent;
				return true;
			})
			.reply(200, { messaging_product: 'whatsapp', contacts: [{ input: userId, user_id: userId }], messages: [{ id: 'wamid.B', message_status: 'accepted' }] });
		const result = await meta().sendMessage({ to: { kind: 'bsuid', userId }, content: hello });
		expect(scope.isDone()).toBe(true);
		// Exactly this: a BSUID in `to` is accepted by Meta and then never delivered.
		expect(body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', recipient: userId, type: 'text', text: { body: 'Hello' } });
		expect(body).not.toHaveProperty('to');
		expect(result).toEqual({
			provider: 'meta',
			messageId: 'wamid.B',
			to: userId,
			status: 'accepted',
			raw: { messaging_product: 'whatsapp', contacts: [{ input: userId, user_id: userId }], messages: [{ id: 'wamid.B', message_status: 'accepted' }] },
		});
	});

	it('quotes a message for a BSUID too', async () => {
		const scope = graph()
			.post(MESSAGES, {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				recipient: BSUID,
				context: { message_id: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE' },
				type: 'text',
				text: { body: 'Hello' },
			})
			.reply(200, { messages: [{ id: 'wamid.R' }] });
		await meta().sendMessage({ to: user, content: hello, replyTo: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUE' });
		expect(scope.isDone()).toBe(true);
	});

	it('takes every recipient kind', () => {
		expect(() => meta().assertRecipient(user)).not.toThrow();
		expect(() => meta().assertRecipient(phone)).not.toThrow();
	});
});

describe('Meta: authentication templates need a phone number', () => {
	it('refuses an authentication template for a BSUID before any request, naming the way out', async () => {
		const scope = graph().post(MESSAGES).reply(200, { messages: [{ id: 'wamid.NO' }] });
		const error = await rejectionOf(meta().sendMessage({ to: user, content: otp() }));
		expect(error).toBeInstanceOf(UnsupportedError);
		expect((error as UnsupportedError).message).toBe(
			'Meta does not send authentication templates (one-time codes) to a business-scoped user ID (BSUID); "login_code" is one',
		);
		expect((error as UnsupportedError).alternative).toMatch(/phone number .*contact\.phoneNumber.*or use a template of another category/);
		expect(scope.isDone()).toBe(false);
	});

	it('reads the category whatever its case', () => {
		expect(() => meta().assertSupported({ to: user, content: otp({ ...loginCode, category: 'authentication' }) })).toThrow(UnsupportedError);
	});

	it('sends the same authentication template to a phone number', async () => {
		const scope = graph()
			.post(MESSAGES, (body) => body.to === '15551234567' && body.recipient === undefined && body.type === 'template')
			.reply(200, { messages: [{ id: 'wamid.OTP' }] });
		await meta().sendMessage({ to: phone, content: otp() });
		expect(scope.isDone()).toBe(true);
	});

	it('sends a marketing template to a BSUID', async () => {
		const scope = graph()
			.post(MESSAGES, {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				recipient: BSUID,
				type: 'template',
				template: { name: 'spring_sale', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] },
			})
			.reply(200, { messages: [{ id: 'wamid.M' }] });
		await meta().sendMessage({ to: user, content: template(spring, { 'body.1': 'Ana' }) });
		expect(scope.isDone()).toBe(true);
	});

	it('maps Meta’s 131062 to a message and a hint, when the category was not known beforehand', async () => {
		const { category: _unknown, ...uncategorized } = loginCode;
		graph()
			.post(MESSAGES)
			.reply(400, {
				error: {
					message: '(#131062) Business-scoped User ID recipients are not supported for this message',
					type: 'OAuthException',
					code: 131062,
					error_data: { messaging_product: 'whatsapp', details: 'Authentication templates can only be sent to a phone number.' },
					fbtrace_id: 'AbC131062',
				},
			});
		const error = await rejectionOf(meta().sendMessage({ to: user, content: otp(uncategorized) }));
		expect(error).toBeInstanceOf(ProviderError);
		expect(error).toMatchObject({
			provider: 'meta',
			code: 131062,
			httpStatus: 400,
			message: 'This message cannot be sent to a business-scoped user ID (BSUID)',
			hint: META_ERRORS[131062].hint,
			traceId: 'AbC131062',
		});
		expect((error as ProviderError).hint).toMatch(/Authentication templates .* still need a phone number.*phone number.*another category/);
		expect((error as ProviderError).details).toMatch(/Business-scoped User ID recipients are not supported/);
	});
});

describe('Twilio: phone numbers only', () => {
	it('sends a phone number as To=whatsapp:+E164', async () => {
		const { captured, matcher } = captureForm();
		const scope = nock('https://api.twilio.com').post(TWILIO_MESSAGES, matcher).reply(201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' });
		const result = await twilio().sendMessage({ to: phone, content: hello });
		expect(scope.isDone()).toBe(true);
		expect(captured.form).toEqual({ To: 'whatsapp:+15551234567', From: 'whatsapp:+14155238886', Body: 'Hello' });
		expect(result.to).toBe('+15551234567');
	});

	it('refuses a BSUID before any request, saying to use the phone number or Meta', async () => {
		const scope = nock('https://api.twilio.com').post(TWILIO_MESSAGES).reply(201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' });
		const error = await rejectionOf(twilio().sendMessage({ to: user, content: hello }));
		expect(error).toBeInstanceOf(UnsupportedError);
		expect(error).toMatchObject({
			provider: 'twilio',
			message: `Twilio addresses WhatsApp users by phone number only (as far as Twilio documents), so it cannot send to the business-scoped user ID (BSUID) "${BSUID}"`,
			alternative: 'Send to the person’s phone number instead (the trigger’s {{ $json.contact.phoneNumber }}), or send through the Meta provider, which takes BSUIDs.',
		});
		expect(scope.isDone()).toBe(false);
	});

	it('refuses it in assertRecipient and assertSupported alike, whatever the content', () => {
		expect(() => twilio().assertRecipient(user)).toThrow(UnsupportedError);
		expect(() => twilio().assertRecipient(phone)).not.toThrow();
		expect(() => twilio().assertSupported({ to: { kind: 'bsuid', userId: PARENT_BSUID }, content: { type: 'location', latitude: 1, longitude: 2 } })).toThrow(
			/phone number only/,
		);
	});
});
