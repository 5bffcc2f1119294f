import { description } from '../../nodes/WhatsAppOmni/actions/contact/getProfileInfo.operation';
import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { useFreshStore } from '../storeHelpers';
import { runWorkflow, sendWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => sandbox.clearRequests());

async function run(provider: 'meta' | 'twilio', operation: string, parameters: object) {
	return await runWorkflow(sendWorkflow({ provider, resource: 'contact', operation, ...parameters }), {
		credentials: sandboxCredentials(sandbox),
	});
}

async function ok(result: Awaited<ReturnType<typeof run>>) {
	expect(result.error).toBeUndefined();
	const items = result.output('WhatsApp Omni');
	expect(items).toHaveLength(1);
	return items[0].json;
}

const providerRequests = () => sandbox.requests;

describe('Contact › Get Profile Info / Update Business Profile on Meta', () => {
	it('reads our business profile and number, updates it and reads the change back', async () => {
		const before = await ok(await run('meta', 'getProfileInfo', { profile: 'business' }));
		expect(before).toMatchObject({
			provider: 'meta',
			profile: { name: sandbox.meta.verifiedName, about: 'Hello from the sandbox.', vertical: 'OTHER' },
			phoneNumber: {
				id: sandbox.meta.phoneNumberId,
				displayPhoneNumber: sandbox.meta.displayPhoneNumber,
				verifiedName: sandbox.meta.verifiedName,
				qualityRating: 'GREEN',
				throughput: 'STANDARD',
				status: 'CONNECTED',
				nameStatus: 'APPROVED',
			},
		});
		// Meta deprecated the number's messaging_limit_tier (limits are per business portfolio now).
		expect(before.phoneNumber).not.toHaveProperty('messagingLimit');
		const numberRead = sandbox.requests.find((r) => r.method === 'GET' && r.path === `/v24.0/${sandbox.meta.phoneNumberId}`);
		expect(numberRead?.query.fields).toBe('display_phone_number,verified_name,quality_rating,code_verification_status,name_status,throughput,status');

		const updated = await ok(
			await run('meta', 'updateBusinessProfile', {
				updateFields: {
					about: 'Open every day 🌵',
					email: 'shop@omni.example',
					websites: ['https://omni.example/find?near=51.5,-0.12, http://omni.example/shop'],
					vertical: 'RETAIL',
				},
			}),
		);
		const post = sandbox.requests.find((r) => r.method === 'POST');
		expect(post?.body).toEqual({
			messaging_product: 'whatsapp',
			about: 'Open every day 🌵',
			email: 'shop@omni.example',
			websites: ['https://omni.example/find?near=51.5,-0.12', 'http://omni.example/shop'],
			vertical: 'RETAIL',
		});
		expect(updated).toMatchObject({
			profile: {
				about: 'Open every day 🌵',
				email: 'shop@omni.example',
				websites: ['https://omni.example/find?near=51.5,-0.12', 'http://omni.example/shop'],
				vertical: 'RETAIL',
			},
		});
		const after = await ok(await run('meta', 'getProfileInfo', { profile: 'business' }));
		expect(after.profile).toEqual(updated.profile);
	});

	it('answers a customer profile on Meta from the conversation store, by number or BSUID, without a request', async () => {
		const store = await useFreshStore();
		const unknown = await ok(await run('meta', 'getProfileInfo', { profile: 'contact', phoneNumber: '+1 555 123 4567' }));
		expect(unknown).toMatchObject({ provider: 'meta', contact: '+15551234567', known: false, window: { open: false } });
		expect(unknown.note).toMatch(/knows nothing of this person/);

		const scope = { provider: 'meta' as const, business: sandbox.meta.phoneNumberId };
		const at = new Date(Date.now() - 60_000).toISOString();
		await store.recordMessage(scope, {
			id: 'wamid.profile-1',
			direction: 'inbound',
			contact: { phoneNumber: '+15551234567', userId: 'US.13491208655302741918' },
			type: 'text',
			text: 'hello',
			timestamp: at,
			contactName: 'Ana',
		});
		for (const phoneNumber of ['+15551234567', 'US.13491208655302741918']) {
			const known = await ok(await run('meta', 'getProfileInfo', { profile: 'contact', phoneNumber }));
			expect(known).toMatchObject({
				provider: 'meta',
				known: true,
				phoneNumber: '+15551234567',
				userId: 'US.13491208655302741918',
				name: 'Ana',
				lastInboundAt: at,
				window: { open: true, since: at },
			});
		}
		expect(providerRequests()).toEqual([]);
	});

	it('refuses a Meta customer profile for something that is neither a number nor a BSUID, before the store', async () => {
		const result = await run('meta', 'getProfileInfo', { profile: 'contact', phoneNumber: 'Ana' });
		expect(result.error?.message).toMatch(/neither a phone number nor a business-scoped user ID/);
		expect(providerRequests()).toEqual([]);
	});

	it.each([
		['nothing to update', {}, /Nothing to update/],
		['an About of 140 characters', { about: 'a'.repeat(140) }, /140 characters.*at most 139/],
		['three websites', { websites: ['https://a.example', 'https://b.example', 'https://c.example'] }, /3 websites/],
		['a website without scheme', { websites: ['www.example.com'] }, /http:\/\/ or https:\/\//],
		['a bad email', { email: 'shop-at-example' }, /not an email address/],
	])('refuses %s before any request', async (_label, updateFields, message) => {
		const result = await run('meta', 'updateBusinessProfile', { updateFields });
		expect(result.error?.message).toMatch(message);
		expect(providerRequests()).toEqual([]);
	});

	it('refuses a malformed contact number before any request', async () => {
		const result = await run('twilio', 'getProfileInfo', { profile: 'contact', phoneNumber: '0044 7700' });
		expect(result.error?.message).toMatch(/not a valid phone number/);
		expect(providerRequests()).toEqual([]);
	});
});

describe('Contact › Get Profile Info / Update Business Profile on Twilio', () => {
	it('reads the sender’s profile found by the credential’s number', async () => {
		const info = await ok(await run('twilio', 'getProfileInfo', { profile: 'business' }));
		const own = sandbox.twilioWebhooks.sender;
		expect(info).toMatchObject({
			provider: 'twilio',
			profile: {
				name: 'Omni Sandbox',
				about: 'Hello from the sandbox.',
				email: 'hello@sandbox.example',
				websites: ['https://sandbox.example'],
				vertical: 'OTHER',
			},
			phoneNumber: { id: own.sid, status: 'ONLINE', qualityRating: 'HIGH', messagingLimit: '1K Customers/24hr' },
		});
		expect(providerRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /messaging/v2/Channels/Senders',
			`GET /messaging/v2/Channels/Senders/${own.sid}`,
		]);
	});

	it('updates the sender’s profile through the Senders API and reads it back', async () => {
		const own = sandbox.twilioWebhooks.sender;
		const updated = await ok(
			await run('twilio', 'updateBusinessProfile', {
				updateFields: { description: 'Plants and pots.', websites: ['https://omni.example'], vertical: 'AUTO' },
			}),
		);
		const post = sandbox.requests.find((r) => r.method === 'POST');
		expect(post?.path).toBe(`/messaging/v2/Channels/Senders/${own.sid}`);
		expect(post?.body).toEqual({
			profile: { description: 'Plants and pots.', websites: [{ website: 'https://omni.example', label: 'Website' }], vertical: 'Automotive' },
		});
		expect(updated).toMatchObject({ profile: { description: 'Plants and pots.', websites: ['https://omni.example'], vertical: 'AUTO' } });
		const after = await ok(await run('twilio', 'getProfileInfo', { profile: 'business' }));
		expect(after.profile).toMatchObject({ description: 'Plants and pots.', vertical: 'AUTO', about: 'Hello from the sandbox.' });
	});

	it('looks a customer’s number up with Lookup (free validation) and says it is not WhatsApp data', async () => {
		const contact = await ok(await run('twilio', 'getProfileInfo', { profile: 'contact', phoneNumber: 'whatsapp:+1 (555) 123-4567' }));
		expect(contact).toMatchObject({
			provider: 'twilio',
			phoneNumber: '+15551234567',
			valid: true,
			details: { countryCode: 'US', callingCountryCode: '1', nationalFormat: '(555) 123-4567', validationErrors: [] },
		});
		expect(contact.note).toMatch(/not WhatsApp data/);
		const [lookup] = providerRequests();
		expect(lookup.path).toBe('/lookups/v2/PhoneNumbers/+15551234567');
		expect(lookup.query).toEqual({});
	});

	it('asks Lookup for the chosen paid data packages, in the order chosen, and puts them in the details', async () => {
		const contact = await ok(
			await run('twilio', 'getProfileInfo', { profile: 'contact', phoneNumber: '+15551234568', lookupData: ['lineType', 'callerName', 'smsPumpingRisk'] }),
		);
		const [lookup] = providerRequests();
		expect(lookup.path).toBe('/lookups/v2/PhoneNumbers/+15551234568');
		expect(lookup.query).toEqual({ Fields: 'line_type_intelligence,caller_name,sms_pumping_risk' });
		expect(contact.details).toEqual({
			countryCode: 'US',
			callingCountryCode: '1',
			nationalFormat: '(555) 123-4568',
			validationErrors: [],
			lineType: { mobile_country_code: '310', mobile_network_code: '260', carrier_name: 'Sandbox Wireless', type: 'mobile', error_code: null },
			callerName: { caller_name: 'SANDBOX CONTACT', caller_type: 'CONSUMER', error_code: null },
			smsPumpingRisk: expect.objectContaining({ carrier_risk_category: 'low', error_code: null }),
		});
	});

	it('asks Lookup for every package the node offers, all of them known to Twilio', async () => {
		const offered = description.find((p) => p.name === 'lookupData')?.options?.map((o) => (o as { value: string }).value);
		const all = ['callForwarding', 'callerName', 'lineStatus', 'lineType', 'simSwap', 'smsPumpingRisk'];
		expect(offered).toEqual(all);
		const contact = await ok(await run('twilio', 'getProfileInfo', { profile: 'contact', phoneNumber: '+15551234568', lookupData: all }));
		expect(providerRequests()[0].query).toEqual({ Fields: 'call_forwarding,caller_name,line_status,line_type_intelligence,sim_swap,sms_pumping_risk' });
		expect(Object.keys(contact.details as object)).toEqual(expect.arrayContaining(all));
	});

	it('reads the profile of a sender chosen by SID, without listing the senders', async () => {
		const other = sandbox.twilioWebhooks.senders[1];
		const info = await ok(await run('twilio', 'getProfileInfo', { profile: 'business', options: { senderSid: other.sid } }));
		expect(info).toMatchObject({
			profile: { name: 'Omni Sandbox (other number)' },
			phoneNumber: { id: other.sid, displayPhoneNumber: other.senderId.replace(/^whatsapp:/, '') },
		});
		expect(providerRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /messaging/v2/Channels/Senders/${other.sid}`]);
	});

	it('updates the profile of a sender chosen by SID and leaves the credential’s sender as it was', async () => {
		const other = sandbox.twilioWebhooks.senders[1];
		const ownBefore = await ok(await run('twilio', 'getProfileInfo', { profile: 'business' }));
		sandbox.clearRequests();
		const updated = await ok(
			await run('twilio', 'updateBusinessProfile', { updateFields: { about: 'The second number 📞' }, options: { senderSid: other.sid } }),
		);
		expect(providerRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`POST /messaging/v2/Channels/Senders/${other.sid}`]);
		expect(providerRequests()[0].body).toEqual({ profile: { about: 'The second number 📞' } });
		expect(updated).toMatchObject({ profile: { about: 'The second number 📞' }, phoneNumber: { id: other.sid } });
		const ownAfter = await ok(await run('twilio', 'getProfileInfo', { profile: 'business' }));
		expect(ownAfter.profile).toEqual(ownBefore.profile);
	});

	it('refuses a malformed Sender SID before any request', async () => {
		const result = await run('twilio', 'updateBusinessProfile', { updateFields: { about: 'Hi' }, options: { senderSid: 'XE123' } });
		expect(result.error?.message).toMatch(/not a WhatsApp sender SID/);
		expect(providerRequests()).toEqual([]);
	});

	it('gives valid: false with Twilio’s reasons for a number no carrier can have', async () => {
		const contact = await ok(await run('twilio', 'getProfileInfo', { profile: 'contact', phoneNumber: '+1 555 123 45678' }));
		expect(contact).toMatchObject({ valid: false, details: { validationErrors: ['TOO_LONG'] } });
	});
});
