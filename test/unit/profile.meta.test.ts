import nock from 'nock';

import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import { clearGraphClients } from '../../nodes/WhatsAppOmni/providers/meta/client';
import { MetaProvider } from '../../nodes/WhatsAppOmni/providers/meta/MetaProvider';
import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import type { MetaCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { UnsupportedError } from '../../nodes/WhatsAppOmni/providers/UnsupportedError';
import { rejectionOf, useNock } from './nockHelpers';

const PHONE_ID = '106540352242922';
const credentials: MetaCredentials = {
	accessToken: 'EAAG-unit-secret-token',
	phoneNumberId: PHONE_ID,
	businessAccountId: '102290129340398',
	graphApiVersion: 'v24.0',
};
const graph = () => nock('https://graph.facebook.com', { reqheaders: { authorization: 'Bearer EAAG-unit-secret-token' } });
const provider = () => new MetaProvider(credentials);

const PROFILE_FIELDS = 'about,address,description,email,profile_picture_url,websites,vertical';
// messaging_limit_tier is deprecated (limits belong to the business portfolio since October 2025): never asked for.
const NUMBER_FIELDS = 'display_phone_number,verified_name,quality_rating,code_verification_status,name_status,throughput,status';

const graphProfile = {
	about: 'Succulent specialists!',
	address: '1 Hacker Way, Menlo Park, CA 94025',
	description: 'Rare and classic succulents.',
	email: 'lucky@luckyshrub.com',
	profile_picture_url: 'https://pps.whatsapp.net/v/t61/shrub.jpg',
	websites: ['https://www.luckyshrub.com/'],
	vertical: 'RETAIL',
	messaging_product: 'whatsapp',
};
const graphNumber = {
	display_phone_number: '+1 555-010-0000',
	verified_name: 'Lucky Shrub',
	quality_rating: 'GREEN',
	code_verification_status: 'VERIFIED',
	name_status: 'APPROVED',
	throughput: { level: 'STANDARD' },
	status: 'CONNECTED',
	id: PHONE_ID,
};

function mockReads(profile: object = graphProfile) {
	graph().get(`/v24.0/${PHONE_ID}/whatsapp_business_profile`).query({ fields: PROFILE_FIELDS }).reply(200, { data: [profile] });
	graph().get(`/v24.0/${PHONE_ID}`).query({ fields: NUMBER_FIELDS }).reply(200, graphNumber);
}

useNock(clearGraphClients);

describe('Meta business profile', () => {
	it('reads the profile and the number with the documented fields and merges them', async () => {
		mockReads();
		const info = await provider().getBusinessProfile();
		expect(nock.isDone()).toBe(true);
		expect(info).toEqual({
			provider: 'meta',
			profile: {
				name: 'Lucky Shrub',
				about: 'Succulent specialists!',
				address: '1 Hacker Way, Menlo Park, CA 94025',
				description: 'Rare and classic succulents.',
				email: 'lucky@luckyshrub.com',
				emails: ['lucky@luckyshrub.com'],
				websites: ['https://www.luckyshrub.com/'],
				vertical: 'RETAIL',
				profilePictureUrl: 'https://pps.whatsapp.net/v/t61/shrub.jpg',
			},
			phoneNumber: {
				displayPhoneNumber: '+1 555-010-0000',
				verifiedName: 'Lucky Shrub',
				qualityRating: 'GREEN',
				throughput: 'STANDARD',
				status: 'CONNECTED',
				nameStatus: 'APPROVED',
				id: PHONE_ID,
			},
			raw: { businessProfile: graphProfile, phoneNumber: graphNumber },
		});
	});

	it('posts only the given fields with messaging_product, then reads the profile back', async () => {
		let posted: unknown;
		graph()
			.post(`/v24.0/${PHONE_ID}/whatsapp_business_profile`, (body) => {
				posted = body;
				return true;
			})
			.reply(200, { success: true });
		mockReads({ ...graphProfile, about: 'Open every day', websites: ['https://a.example.com', 'http://b.example.org/shop'] });
		const info = await provider().updateBusinessProfile({
			about: 'Open every day',
			websites: ['https://a.example.com', 'http://b.example.org/shop'],
			vertical: 'RETAIL',
		});
		expect(posted).toEqual({
			messaging_product: 'whatsapp',
			about: 'Open every day',
			websites: ['https://a.example.com', 'http://b.example.org/shop'],
			vertical: 'RETAIL',
		});
		expect(nock.isDone()).toBe(true);
		expect(info.profile.about).toBe('Open every day');
		expect(info.profile.websites).toEqual(['https://a.example.com', 'http://b.example.org/shop']);
	});

	it.each([
		['Update Fields', {}, /Nothing to update/],
		['About', { about: '' }, /empty/],
		['About', { about: 'a'.repeat(140) }, /140 characters.*at most 139/],
		['Address', { address: 'a'.repeat(257) }, /at most 256/],
		['Description', { description: 'a'.repeat(513) }, /at most 512/],
		['Email', { email: `${'a'.repeat(120)}@example.com` }, /at most 128/],
		['Email', { email: 'not-an-address' }, /not an email/],
		['Websites', { websites: ['https://a.com', 'https://b.com', 'https://c.com'] }, /3 websites.*at most 2/],
		['Websites', { websites: ['www.example.com'] }, /http:\/\/ or https:\/\//],
		['Websites', { websites: [`https://example.com/${'a'.repeat(240)}`] }, /at most 256/],
		['Vertical', { vertical: 'SHOPPING' }, /not one of WhatsApp’s business categories/],
	])('refuses a bad %s before any request', async (field, update, message) => {
		const error = await rejectionOf(provider().updateBusinessProfile(update));
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe(field);
		expect((error as ValidationError).message).toMatch(message);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it.each(['ALCOHOL', 'MATRIMONY_SERVICE', 'OTC_DRUGS', 'ONLINE_GAMBLING', 'PHYSICAL_GAMBLING', 'NOT_A_BIZ'])(
		'passes Meta’s vertical %s on as it is',
		async (vertical) => {
			let posted: unknown;
			graph()
				.post(`/v24.0/${PHONE_ID}/whatsapp_business_profile`, (body) => {
					posted = body;
					return true;
				})
				.reply(200, { success: true });
			mockReads({ ...graphProfile, vertical });
			const info = await provider().updateBusinessProfile({ vertical });
			expect(posted).toEqual({ messaging_product: 'whatsapp', vertical });
			expect(info.profile.vertical).toBe(vertical);
		},
	);

	it('counts an emoji as one character, as Meta does', async () => {
		graph().post(`/v24.0/${PHONE_ID}/whatsapp_business_profile`).reply(200, { success: true });
		mockReads();
		await expect(provider().updateBusinessProfile({ about: `${'a'.repeat(138)}🌵` })).resolves.toMatchObject({ provider: 'meta' });
	});

	it('turns Meta’s error into a ProviderError with its code, without the token', async () => {
		graph()
			.post(`/v24.0/${PHONE_ID}/whatsapp_business_profile`)
			.reply(400, {
				error: {
					message: '(#100) Invalid parameter',
					type: 'OAuthException',
					code: 100,
					error_data: { messaging_product: 'whatsapp', details: 'Param vertical must be one of {…}' },
					fbtrace_id: 'Atrace',
				},
			});
		const error = await rejectionOf(provider().updateBusinessProfile({ about: 'Hi' }));
		expect(error).toBeInstanceOf(ProviderError);
		expect((error as ProviderError).code).toBe(100);
		expect(JSON.stringify(error)).not.toContain('EAAG-unit-secret-token');
	});
});

describe('Meta contact profile', () => {
	it('says Meta has no such API and where the name comes from, without a request', async () => {
		const error = await rejectionOf(provider().getContactProfile('+15551234567'));
		expect(error).toBeInstanceOf(UnsupportedError);
		expect((error as UnsupportedError).message).toMatch(/no way to look up a customer/);
		expect((error as UnsupportedError).alternative).toMatch(/contact\.name/);
	});
});
