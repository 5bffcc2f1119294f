import nock from 'nock';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { CredentialError } from '../../nodes/WhatsAppOmni/providers/CredentialError';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { clearTwilioClients, getTwilioClient } from '../../nodes/WhatsAppOmni/providers/twilio/client';
import type { TwilioContext } from '../../nodes/WhatsAppOmni/providers/twilio/context';
import { getTwilioBusinessProfile, getTwilioContactProfile } from '../../nodes/WhatsAppOmni/providers/twilio/profile';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { TwilioCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { rejectionOf, useNock } from './nockHelpers';
import { AUTH_TOKEN, twilioCredentials as credentials, twilioHost } from './twilioFixtures';

const messaging = () => twilioHost('messaging');
const lookups = () => twilioHost('lookups');
const provider = () => new TwilioProvider(credentials);

const OURS = `XE${'a'.repeat(32)}`;
const OTHER = `XE${'b'.repeat(32)}`;

const sender = (sid: string, senderId: string, profile: object = {}) => ({
	sid,
	status: 'ONLINE',
	sender_id: senderId,
	configuration: { waba_id: '1234567890' },
	webhook: { callback_url: null },
	profile: {
		name: 'Omni Shop',
		about: 'We answer fast.',
		address: '1 Main St',
		description: 'Plants and pots.',
		emails: [{ email: 'help@omni.example', label: 'Email' }],
		websites: [{ website: 'https://omni.example', label: 'Website' }],
		vertical: 'Shopping and Retail',
		logo_url: 'https://cdn.example/logo.png',
		...profile,
	},
	properties: { quality_rating: 'HIGH', messaging_limit: '1K Customers/24hr' },
	offline_reasons: null,
	url: `https://messaging.twilio.com/v2/Channels/Senders/${sid}`,
});
const page = (senders: object[]) => ({
	senders,
	meta: { page: 0, page_size: 100, first_page_url: '', previous_page_url: null, url: '', next_page_url: null, key: 'senders' },
});

useNock(clearTwilioClients);

describe('Twilio business profile', () => {
	it('finds the credential’s sender by number, fetches it and maps profile and properties', async () => {
		messaging()
			.get('/v2/Channels/Senders')
			.query({ Channel: 'whatsapp', PageSize: '100' })
			.reply(200, page([sender(OTHER, 'whatsapp:+15550100001'), sender(OURS, 'whatsapp:+14155238886')]));
		messaging().get(`/v2/Channels/Senders/${OURS}`).reply(200, sender(OURS, 'whatsapp:+14155238886'));
		const info = await provider().getBusinessProfile();
		expect(nock.isDone()).toBe(true);
		expect(info).toEqual({
			provider: 'twilio',
			profile: {
				name: 'Omni Shop',
				about: 'We answer fast.',
				address: '1 Main St',
				description: 'Plants and pots.',
				email: 'help@omni.example',
				emails: ['help@omni.example'],
				websites: ['https://omni.example'],
				vertical: 'RETAIL',
				profilePictureUrl: 'https://cdn.example/logo.png',
			},
			phoneNumber: {
				displayPhoneNumber: '+14155238886',
				verifiedName: 'Omni Shop',
				qualityRating: 'HIGH',
				messagingLimit: '1K Customers/24hr',
				throughput: '1K Customers/24hr',
				status: 'ONLINE',
				id: OURS,
			},
			raw: sender(OURS, 'whatsapp:+14155238886'),
		});
	});

	it('fetches a sender chosen by SID without listing', async () => {
		messaging().get(`/v2/Channels/Senders/${OTHER}`).reply(200, sender(OTHER, 'whatsapp:+15550100001'));
		const info = await provider().getBusinessProfile({ senderId: OTHER });
		expect(info.phoneNumber.id).toBe(OTHER);
		expect(nock.isDone()).toBe(true);
	});

	it('updates a sender chosen by SID without listing', async () => {
		let posted: unknown;
		messaging()
			.post(`/v2/Channels/Senders/${OTHER}`, (body) => {
				posted = body;
				return true;
			})
			.reply(202, sender(OTHER, 'whatsapp:+15550100001', { address: '2 Side St' }));
		const info = await provider().updateBusinessProfile({ address: '2 Side St' }, { senderId: ` ${OTHER} ` });
		expect(posted).toEqual({ profile: { address: '2 Side St' } });
		expect(info).toMatchObject({ profile: { address: '2 Side St' }, phoneNumber: { id: OTHER } });
		expect(nock.isDone()).toBe(true);
	});

	it('uses the account’s only WhatsApp sender when the credential has just a Messaging Service', async () => {
		messaging().get('/v2/Channels/Senders').query(true).reply(200, page([sender(OURS, 'whatsapp:+14155238886')]));
		messaging().get(`/v2/Channels/Senders/${OURS}`).reply(200, sender(OURS, 'whatsapp:+14155238886'));
		const ctx = contextFor({ ...credentials, whatsAppNumber: undefined, messagingServiceSid: `MG${'c'.repeat(32)}` }, {});
		await expect(getTwilioBusinessProfile(ctx)).resolves.toMatchObject({ phoneNumber: { id: OURS } });
	});

	it('asks for the sender when a Messaging Service credential meets several senders', async () => {
		messaging().get('/v2/Channels/Senders').query(true).reply(200, page([sender(OURS, 'whatsapp:+14155238886'), sender(OTHER, 'whatsapp:+15550100001')]));
		const ctx = contextFor({ ...credentials, whatsAppNumber: undefined }, {});
		const error = await rejectionOf(getTwilioBusinessProfile(ctx));
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).message).toMatch(/2 WhatsApp senders/);
	});

	it('refuses a malformed sender SID before any request', async () => {
		const error = await rejectionOf(getTwilioBusinessProfile(contextFor(credentials), { senderId: 'XE123' }));
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe('Sender SID');
	});

	it('says which number has no sender', async () => {
		messaging().get('/v2/Channels/Senders').query(true).reply(200, page([sender(OTHER, 'whatsapp:+15550100001')]));
		const error = await rejectionOf(provider().getBusinessProfile());
		expect(error).toBeInstanceOf(CredentialError);
		expect((error as Error).message).toMatch(/no WhatsApp sender whatsapp:\+14155238886/);
	});

	it('updates the profile in Twilio’s wire format and returns the sender Twilio answers with', async () => {
		messaging().get('/v2/Channels/Senders').query(true).reply(200, page([sender(OURS, 'whatsapp:+14155238886')]));
		let posted: unknown;
		const updated = sender(OURS, 'whatsapp:+14155238886', {
			about: 'Open every day',
			emails: [{ email: 'new@omni.example', label: 'Email' }],
			websites: [{ website: 'https://a.example', label: 'Website' }, { website: 'http://b.example', label: 'Website' }],
			vertical: 'Automotive',
		});
		messaging()
			.post(`/v2/Channels/Senders/${OURS}`, (body) => {
				posted = body;
				return true;
			})
			.reply(202, updated);
		const info = await provider().updateBusinessProfile({
			about: 'Open every day',
			email: 'new@omni.example',
			websites: ['https://a.example', 'http://b.example'],
			vertical: 'AUTO',
		});
		expect(posted).toEqual({
			profile: {
				about: 'Open every day',
				emails: [{ email: 'new@omni.example', label: 'Email' }],
				websites: [
					{ website: 'https://a.example', label: 'Website' },
					{ website: 'http://b.example', label: 'Website' },
				],
				vertical: 'Automotive',
			},
		});
		expect(info.profile).toMatchObject({ about: 'Open every day', email: 'new@omni.example', websites: ['https://a.example', 'http://b.example'], vertical: 'AUTO' });
		expect(nock.isDone()).toBe(true);
	});

	it.each([
		['ALCOHOL', 'Alcohol'],
		['MATRIMONY_SERVICE', 'Matrimony Service'],
		['OTC_DRUGS', 'OTC Drugs'],
		['ONLINE_GAMBLING', 'Online Gambling'],
		['PHYSICAL_GAMBLING', 'Physical Gambling'],
		['GOVT', 'Public Service'],
		['UNDEFINED', null],
	])('sends the vertical %s as Twilio’s word %j', async (vertical, word) => {
		messaging().get('/v2/Channels/Senders').query(true).reply(200, page([sender(OURS, 'whatsapp:+14155238886')]));
		let posted: unknown;
		messaging()
			.post(`/v2/Channels/Senders/${OURS}`, (body) => {
				posted = body;
				return true;
			})
			.reply(202, sender(OURS, 'whatsapp:+14155238886', { vertical: word }));
		const info = await provider().updateBusinessProfile({ vertical });
		expect(posted).toEqual({ profile: { vertical: word } });
		expect(info.profile.vertical).toBe(word === null ? undefined : vertical);
		expect(nock.isDone()).toBe(true);
	});

	it('refuses Not a Business, which the Senders API does not take, naming the allowed ones, before any request', async () => {
		const error = await rejectionOf(provider().updateBusinessProfile({ vertical: 'NOT_A_BIZ' }));
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe('Vertical');
		expect((error as ValidationError).message).toMatch(/"Not a Business" is not a category Twilio’s Senders API takes/);
		const hint = (error as ValidationError).hint ?? '';
		expect(hint).toMatch(/Alcohol \(ALCOHOL\)/);
		expect(hint).toMatch(/Shopping and Retail \(RETAIL\)/);
		expect(hint).not.toMatch(/NOT_A_BIZ/);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('checks WhatsApp’s profile rules before any request', async () => {
		const error = await rejectionOf(provider().updateBusinessProfile({ about: 'a'.repeat(140) }));
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe('About');
	});

	it('turns Twilio’s error into a ProviderError with its code', async () => {
		messaging().get('/v2/Channels/Senders').query(true).reply(200, page([sender(OURS, 'whatsapp:+14155238886')]));
		messaging()
			.post(`/v2/Channels/Senders/${OURS}`)
			.reply(400, { code: 20001, message: 'Invalid parameter profile.vertical', more_info: 'https://www.twilio.com/docs/errors/20001', status: 400 });
		const error = await rejectionOf(provider().updateBusinessProfile({ about: 'Hi' }));
		expect(error).toBeInstanceOf(ProviderError);
		expect((error as ProviderError).code).toBe(20001);
		expect(JSON.stringify(error)).not.toContain(AUTH_TOKEN);
	});
});

describe('Twilio contact profile (Lookup v2)', () => {
	it('does the free basic lookup without Fields and reports the number as phone network data', async () => {
		lookups()
			.get('/v2/PhoneNumbers/+15551234567')
			.query((query) => Object.keys(query).length === 0)
			.reply(200, {
				calling_country_code: '1',
				country_code: 'US',
				phone_number: '+15551234567',
				national_format: '(555) 123-4567',
				valid: true,
				validation_errors: [],
				caller_name: null,
				line_type_intelligence: null,
				url: 'https://lookups.twilio.com/v2/PhoneNumbers/+15551234567',
			});
		const contact = await provider().getContactProfile('+15551234567');
		expect(contact).toMatchObject({
			provider: 'twilio',
			phoneNumber: '+15551234567',
			valid: true,
			details: { countryCode: 'US', callingCountryCode: '1', nationalFormat: '(555) 123-4567', validationErrors: [] },
		});
		expect(contact.note).toMatch(/not WhatsApp data/);
		expect(nock.isDone()).toBe(true);
	});

	it('asks for the chosen paid data packages and puts them in the details', async () => {
		lookups()
			.get('/v2/PhoneNumbers/+15551234567')
			.query({ Fields: 'line_type_intelligence,caller_name' })
			.reply(200, {
				country_code: 'US',
				phone_number: '+15551234567',
				national_format: '(555) 123-4567',
				valid: true,
				validation_errors: [],
				caller_name: { caller_name: 'ANA LIMA', caller_type: 'CONSUMER', error_code: null },
				line_type_intelligence: { type: 'mobile', carrier_name: 'Omni Wireless', mobile_country_code: '310', mobile_network_code: '260', error_code: null },
			});
		const contact = await provider().getContactProfile('+15551234567', { extraData: ['lineType', 'callerName', 'lineType'] });
		expect(nock.isDone()).toBe(true);
		expect(contact.details).toMatchObject({
			lineType: { type: 'mobile', carrier_name: 'Omni Wireless' },
			callerName: { caller_name: 'ANA LIMA' },
		});
	});

	it('reports an invalid number as Twilio does: valid false with the reasons', async () => {
		lookups()
			.get('/v2/PhoneNumbers/+1555123')
			.reply(200, { country_code: null, phone_number: '+1555123', national_format: null, valid: false, validation_errors: ['TOO_SHORT'] });
		const contact = await provider().getContactProfile('+1555123');
		expect(contact.valid).toBe(false);
		expect(contact.details.validationErrors).toEqual(['TOO_SHORT']);
	});

	it('refuses an unknown data package before any request', async () => {
		const error = await rejectionOf(getTwilioContactProfile(contextFor(credentials), '+15551234567', { extraData: ['carrier' as never] }));
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe('Lookup Data');
	});
});

function contextFor(creds: TwilioCredentials, sender: { from?: string; messagingServiceSid?: string } = { from: 'whatsapp:+14155238886' }): TwilioContext {
	return { client: getTwilioClient(creds), credentials: creds, accountSid: creds.accountSid, sender };
}
