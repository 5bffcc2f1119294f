import { startSandbox, TWILIO_CONTENT_SEED, type Sandbox } from '../../sandbox';
import { twilioPostJson } from '../sandbox/helpers';
import { sandboxCredentials } from '../sandboxCredentials';
import { runWorkflow, sendWorkflow } from './harness';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox.stop());
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.setFaults(undefined);
});

async function run(operation: string, parameters: object, settings: { continueOnFail?: boolean } = {}) {
	return await runWorkflow(sendWorkflow({ provider: 'twilio', resource: 'template', operation, ...parameters }, settings), {
		credentials: sandboxCredentials(sandbox),
	});
}

async function ok(result: Awaited<ReturnType<typeof run>>) {
	expect(result.error).toBeUndefined();
	return result.output('WhatsApp Omni');
}

const contentRequests = () => sandbox.requests.filter((r) => r.path.startsWith('/content/'));
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const createParameters = {
	name: 'delivery_update',
	language: 'en',
	category: 'UTILITY',
	parameterFormat: 'positional',
	headerType: 'text',
	headerText: 'Delivery update',
	body: 'Hi {{1}}, parcel {{2}} arrives today between 9 and 12.',
	bodyExamples: {
		example: [
			{ variable: '1', value: 'Ada' },
			{ variable: '2', value: 'P-77' },
		],
	},
	footer: 'Reply STOP to opt out',
	buttons: {
		button: [
			{ type: 'quickReply', text: 'Thanks' },
			{ type: 'url', text: 'Track', url: 'https://shop.example.com/track/{{1}}', urlExample: 'https://shop.example.com/track/P-77' },
		],
	},
	options: { submitForApproval: true },
};

describe('Template on Twilio in the n8n engine against the sandbox', () => {
	it('Create → Get → Get Many → Delete', async () => {
		const [createdItem] = await ok(await run('create', createParameters));
		const sid = createdItem.json.templateId as string;
		expect(sid).toMatch(/^HX[0-9a-f]{32}$/);
		expect(createdItem.json).toMatchObject({
			id: sid,
			name: 'delivery_update',
			language: 'en',
			status: 'RECEIVED',
			category: 'UTILITY',
			header: { format: 'text', text: 'Delivery update' },
			body: 'Hi {{1}}, parcel {{2}} arrives today between 9 and 12.',
			footer: 'Reply STOP to opt out',
			buttons: [
				{ type: 'quickReply', text: 'Thanks' },
				{ type: 'url', text: 'Track', url: 'https://shop.example.com/track/{{3}}' },
			],
		});
		const [contentPost, approvalPost] = contentRequests();
		expect(contentPost).toMatchObject({ method: 'POST', path: '/content/v1/Content' });
		expect(contentPost.body).toEqual({
			friendly_name: 'delivery_update',
			language: 'en',
			variables: { 1: 'Ada', 2: 'P-77', 3: 'P-77' },
			types: {
				'whatsapp/card': {
					body: 'Hi {{1}}, parcel {{2}} arrives today between 9 and 12.',
					header_text: 'Delivery update',
					footer: 'Reply STOP to opt out',
					actions: [
						{ type: 'QUICK_REPLY', title: 'Thanks' },
						{ type: 'URL', title: 'Track', url: 'https://shop.example.com/track/{{3}}' },
					],
				},
			},
		});
		expect(approvalPost).toMatchObject({ method: 'POST', path: `/content/v1/Content/${sid}/ApprovalRequests/whatsapp` });
		expect(approvalPost.body).toEqual({ name: 'delivery_update', category: 'UTILITY' });

		// WhatsApp approves it later.
		sandbox.twilioContents.find((c) => c.sid === sid)!.approval!.status = 'approved';
		const [got] = await ok(await run('get', { template: byId(sid) }));
		expect(got.json).toMatchObject({ templateId: sid, status: 'APPROVED', category: 'UTILITY', name: 'delivery_update' });

		const many = await ok(await run('getMany', { returnAll: true, filters: { name: 'delivery' } }));
		expect(many.map((item) => item.json.templateId)).toEqual([sid]);

		sandbox.clearRequests();
		const [deleted] = await ok(await run('delete', { template: byId(sid) }));
		expect(deleted.json).toEqual({ provider: 'twilio', deleted: [sid], success: true });
		expect(contentRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /content/v1/Content/${sid}`]);
		expect(sandbox.twilioContents.some((c) => c.sid === sid)).toBe(false);
	});

	it('Get Many pages with Return All and with Limit, and filters by status', async () => {
		// Enough Contents for more than one page of 100.
		for (let i = 0; i < 90; i++) {
			const answer = await twilioPostJson(sandbox, '/content/v1/Content', {
				friendly_name: `bulk_${i}`,
				language: 'en',
				types: { 'twilio/text': { body: `Bulk notice ${i}.` } },
			});
			expect(answer.status).toBe(201);
		}
		sandbox.clearRequests();
		const all = await ok(await run('getMany', { returnAll: true }));
		expect(all.map((item) => item.json.templateId)).toEqual(sandbox.twilioContents.map((c) => c.sid));
		const listReads = contentRequests().filter((r) => r.path === '/content/v1/ContentAndApprovals');
		expect(listReads.map((r) => r.query.PageSize)).toEqual(['100', '100']);
		expect(listReads[1].query.PageToken).toMatch(/^PAHX/);
		const seedSids = TWILIO_CONTENT_SEED.map((c) => c.sid);
		expect(all.map((item) => item.json.templateId)).toEqual(expect.arrayContaining(seedSids));

		// Unsubmitted ones are scattered over both pages; the limit stops in the second.
		const unsubmitted = await ok(await run('getMany', { returnAll: false, limit: 80, filters: { status: 'UNSUBMITTED' } }));
		expect(unsubmitted).toHaveLength(80);
		expect(unsubmitted.every((item) => item.json.status === 'UNSUBMITTED')).toBe(true);

		const limited = await ok(await run('getMany', { returnAll: false, limit: 3 }));
		expect(limited.map((item) => item.json.templateId)).toEqual(all.slice(0, 3).map((item) => item.json.templateId));

		const rejected = await ok(await run('getMany', { returnAll: true, filters: { status: 'REJECTED' } }));
		expect(rejected.map((item) => item.json.name)).toEqual(['promo_blast_rejected']);
		expect(rejected[0].json).toMatchObject({ rejectionReason: 'The template was rejected for violating WhatsApp policy.' });
	});

	it('Create with a media header takes the sample from Header Sample URL alone (no source choice on Twilio); Get Many finds it as Received', async () => {
		const [item] = await ok(
			await run('create', {
				...createParameters,
				name: 'parcel_photo',
				headerType: 'image',
				headerSampleUrl: 'https://shop.example.com/parcel.jpg',
				footer: '',
				buttons: { button: [] },
			}),
		);
		expect(item.json).toMatchObject({ status: 'RECEIVED' });
		expect(contentRequests()[0].body).toMatchObject({ types: { 'twilio/media': { media: ['https://shop.example.com/parcel.jpg'] } } });
		const received = await ok(await run('getMany', { returnAll: true, filters: { name: 'parcel_photo', status: 'RECEIVED' } }));
		expect(received.map((found) => found.json.templateId)).toEqual([item.json.templateId]);
	});

	it('Create without approval leaves the Content unsubmitted', async () => {
		const [item] = await ok(
			await run('create', {
				...createParameters,
				name: 'closing_notice',
				headerType: 'none',
				footer: '',
				buttons: { button: [] },
				body: 'Our shop closes early on Friday, {{1}}. See you soon.',
				bodyExamples: { example: [{ variable: '1', value: 'Ada' }] },
				options: { submitForApproval: false },
			}),
		);
		expect(item.json).toMatchObject({ status: 'UNSUBMITTED', body: 'Our shop closes early on Friday, {{1}}. See you soon.' });
		expect(contentRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /content/v1/Content']);
		expect(contentRequests()[0].body).toMatchObject({ types: { 'twilio/text': { body: 'Our shop closes early on Friday, {{1}}. See you soon.' } } });
	});

	it('refuses what Twilio cannot represent before any request, naming the alternative', async () => {
		const result = await run('create', { ...createParameters, name: 'where_we_are', headerType: 'location' });
		expect(result.error?.message).toMatch(/no location header/);
		expect(`${result.error?.message} ${result.error?.description}`).toMatch(/create this template on Meta/);
		expect(contentRequests()).toEqual([]);
	});

	it('names the Content that exists when the approval request fails', async () => {
		// The seed has an approved `order_update` in English, so WhatsApp's name is taken.
		const result = await run('create', { ...createParameters, name: 'order_update' });
		expect(result.error?.message).toMatch(/The Content HX[0-9a-f]{32} was created, but submitting it to WhatsApp for approval failed/);
		const created = sandbox.twilioContents.filter((c) => c.friendly_name === 'order_update');
		expect(created).toHaveLength(2);
		expect(created[1].approval).toBeUndefined();
	});

	it.each(['get', 'delete'])('%s of a Content that does not exist fails with its SID and Twilio’s 20404', async (operation) => {
		const missing = `HX${'e'.repeat(32)}`;
		const result = await run(operation, { template: byId(missing) });
		expect(result.error?.message).toBe(`Twilio error 20404: There is no Content template ${missing} in this Twilio account`);
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
		expect(result.error?.context).toMatchObject({ provider: 'twilio', providerCode: 20404 });

		const item = await ok(await run(operation, { template: byId(missing) }, { continueOnFail: true }));
		expect(item.map((one) => one.json)).toEqual([
			{
				error: `Twilio error 20404: There is no Content template ${missing} in this Twilio account`,
				hint: expect.stringMatching(/^Check the Content SID/),
				provider: 'twilio',
				code: 20404,
				httpCode: '404',
			},
		]);
	});
});
