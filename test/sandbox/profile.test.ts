import { startSandbox, type Sandbox } from '../../sandbox';
import { metaGet, metaPost, twilioGet, call, twilioAuth } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());

const profilePath = () => `/v24.0/${sandbox.meta.phoneNumberId}/whatsapp_business_profile`;

describe('Graph whatsapp_business_profile', () => {
	it('answers GET with data[0] holding the asked fields and messaging_product', async () => {
		const answer = await metaGet(sandbox, `${profilePath()}?fields=about,vertical,websites`);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ data: [{ about: 'Hello from the sandbox.', vertical: 'OTHER', messaging_product: 'whatsapp' }] });
	});

	it('refuses a field the profile does not have, as Graph does', async () => {
		const answer = await metaGet(sandbox, `${profilePath()}?fields=about,name`);
		expect(answer.status).toBe(400);
		expect(answer.body.error).toMatchObject({ code: 100, message: '(#100) Tried accessing nonexisting field (name) on node type (WhatsAppBusinessProfile)' });
	});

	it('keeps a POSTed update and answers success', async () => {
		const answer = await metaPost(sandbox, profilePath(), { messaging_product: 'whatsapp', address: '2 Garden Rd', websites: ['https://shop.example'] });
		expect(answer).toMatchObject({ status: 200, body: { success: true } });
		const read = await metaGet(sandbox, `${profilePath()}?fields=address,websites`);
		expect(read.body.data[0]).toEqual({ address: '2 Garden Rd', websites: ['https://shop.example'], messaging_product: 'whatsapp' });
	});

	it.each([
		[{ about: 'x' }, /\(#100\) The parameter messaging_product is required/],
		[{ messaging_product: 'whatsapp', about: 'a'.repeat(140) }, /about must be at most 139/],
		[{ messaging_product: 'whatsapp', websites: ['ftp://x.example'] }, /http:\/\/ or https:\/\//],
		[{ messaging_product: 'whatsapp', websites: ['https://a.example', 'https://b.example', 'https://c.example'] }, /at most 2/],
		[{ messaging_product: 'whatsapp', vertical: 'SHOPS' }, /vertical must be one of/],
		[{ messaging_product: 'whatsapp', email: 'nope' }, /valid email/],
		[{ messaging_product: 'whatsapp', name: 'New name' }, /name is not a field/],
	])('answers code 100 for %j', async (body, message) => {
		const answer = await metaPost(sandbox, profilePath(), body);
		expect(answer.status).toBe(400);
		expect(answer.body.error.code).toBe(100);
		expect(JSON.stringify(answer.body.error)).toMatch(message);
	});

	it.each(['ALCOHOL', 'MATRIMONY_SERVICE', 'OTC_DRUGS', 'ONLINE_GAMBLING', 'PHYSICAL_GAMBLING'])('takes Meta’s vertical %s', async (vertical) => {
		const answer = await metaPost(sandbox, profilePath(), { messaging_product: 'whatsapp', vertical });
		expect(answer).toMatchObject({ status: 200, body: { success: true } });
		const read = await metaGet(sandbox, `${profilePath()}?fields=vertical`);
		expect(read.body.data[0].vertical).toBe(vertical);
	});

	it('refuses the deprecated messaging_limit_tier on the phone number, as Graph does', async () => {
		const answer = await metaGet(sandbox, `/v24.0/${sandbox.meta.phoneNumberId}?fields=verified_name,messaging_limit_tier`);
		expect(answer.status).toBe(400);
		expect(answer.body.error).toMatchObject({
			code: 100,
			message: '(#100) Tried accessing nonexisting field (messaging_limit_tier) on node type (WhatsAppBusinessPhoneNumber)',
		});
	});

	it('keeps one profile per sandbox', async () => {
		const other = await startSandbox();
		try {
			const read = await metaGet(other, `/v24.0/${other.meta.phoneNumberId}/whatsapp_business_profile?fields=address`);
			expect(read.body.data[0]).toEqual({ messaging_product: 'whatsapp' });
		} finally {
			await other.stop();
		}
	});
});

describe('Twilio Lookup v2 and sender profiles', () => {
	it('validates a number for free, with the default fields', async () => {
		const answer = await twilioGet(sandbox, '/lookups/v2/PhoneNumbers/+15551234567');
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({
			calling_country_code: '1',
			country_code: 'US',
			phone_number: '+15551234567',
			national_format: '(555) 123-4567',
			valid: true,
			validation_errors: [],
			caller_name: null,
			line_type_intelligence: null,
		});
	});

	it('answers an impossible number with 200, valid false and the reason', async () => {
		const answer = await twilioGet(sandbox, '/lookups/v2/PhoneNumbers/+155512');
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ valid: false, validation_errors: ['TOO_SHORT'], national_format: null });
	});

	it('fills the data packages asked for in Fields', async () => {
		const answer = await twilioGet(sandbox, '/lookups/v2/PhoneNumbers/+15551234568?Fields=line_type_intelligence,caller_name');
		expect(answer.body.line_type_intelligence).toMatchObject({ type: 'mobile' });
		expect(answer.body.caller_name).toMatchObject({ caller_type: 'CONSUMER' });
		expect(answer.body.sim_swap).toBeNull();
	});

	it('refuses an unknown Fields value with Twilio’s error envelope', async () => {
		const answer = await twilioGet(sandbox, '/lookups/v2/PhoneNumbers/+15551234567?Fields=carrier');
		expect(answer.status).toBe(400);
		expect(answer.body).toMatchObject({ code: 60200, status: 400, message: expect.stringContaining("'carrier'") });
	});

	it('serves the sender with a realistic profile and properties, and refuses a profile over Meta’s limits', async () => {
		const sid = sandbox.twilioWebhooks.sender.sid;
		const fetched = await twilioGet(sandbox, `/messaging/v2/Channels/Senders/${sid}`);
		expect(fetched.body).toMatchObject({
			profile: { name: 'Omni Sandbox', emails: [{ email: 'hello@sandbox.example', label: 'Email' }], websites: [{ website: 'https://sandbox.example', label: 'Website' }] },
			properties: { quality_rating: 'HIGH', messaging_limit: '1K Customers/24hr' },
		});
		const refused = await call(`${sandbox.twilioBaseUrl}/messaging/v2/Channels/Senders/${sid}`, {
			method: 'POST',
			headers: { authorization: twilioAuth(sandbox), 'content-type': 'application/json' },
			body: JSON.stringify({ profile: { about: 'a'.repeat(140) } }),
		});
		expect(refused.status).toBe(400);
		expect(refused.body).toMatchObject({ code: 20001, message: expect.stringContaining('profile.about') });
		const again = await twilioGet(sandbox, `/messaging/v2/Channels/Senders/${sid}`);
		expect(again.body.profile.about).toBe('Hello from the sandbox.');
	});

	it('checks profile.vertical against the Senders API’s own list, which has no Meta codes and no Not a Business', async () => {
		const sid = sandbox.twilioWebhooks.sender.sid;
		const update = (vertical: unknown) =>
			call(`${sandbox.twilioBaseUrl}/messaging/v2/Channels/Senders/${sid}`, {
				method: 'POST',
				headers: { authorization: twilioAuth(sandbox), 'content-type': 'application/json' },
				body: JSON.stringify({ profile: { vertical } }),
			});
		for (const refused of ['Not a Business', 'RETAIL', 'Shops']) {
			const answer = await update(refused);
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ code: 20001, message: expect.stringContaining(`profile.vertical: '${refused}'`) });
		}
		expect((await twilioGet(sandbox, `/messaging/v2/Channels/Senders/${sid}`)).body.profile.vertical).toBe('Other');
		const accepted = await update('OTC Drugs');
		expect(accepted.status).toBe(202);
		expect(accepted.body.profile.vertical).toBe('OTC Drugs');
		const cleared = await update(null);
		expect(cleared.status).toBe(202);
		expect(cleared.body.profile.vertical).toBeNull();
	});
});
