import { ProviderError } from '../../nodes/WhatsAppOmni/providers/ProviderError';
import { TwilioProvider } from '../../nodes/WhatsAppOmni/providers/twilio/TwilioProvider';
import type { NewTemplate, TemplateInfo, TwilioCredentials } from '../../nodes/WhatsAppOmni/providers/types';
import { startSandbox, TWILIO_CONTENT_SEED, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../sandboxCredentials';
import { expectTwilioError, twilioGet, twilioPostJson } from './helpers';

const seedSid = (name: string) => TWILIO_CONTENT_SEED.find((c) => c.friendly_name === name)!.sid;

describe('sandbox: Twilio WhatsApp approval requests and whatsapp/card content', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.stop();
	});

	const createContent = (body: unknown) => twilioPostJson(sandbox, '/content/v1/Content', body);
	const submit = (sid: string, body: unknown) => twilioPostJson(sandbox, `/content/v1/Content/${sid}/ApprovalRequests/whatsapp`, body);

	async function newText(name: string, body = 'Hi {{1}}, your order has shipped today.', variables: Record<string, string> = { 1: 'Ada' }) {
		const answer = await createContent({ friendly_name: name, language: 'en', variables, types: { 'twilio/text': { body } } });
		expect(answer.status).toBe(201);
		return answer.body.sid as string;
	}

	describe('POST /v1/Content/{ContentSid}/ApprovalRequests/whatsapp', () => {
		it('submits an unsubmitted Content: 201, status received, visible in ApprovalRequests and ContentAndApprovals', async () => {
			const sid = await newText('shipped_notice');
			const before = await twilioGet(sandbox, `/content/v1/Content/${sid}/ApprovalRequests`);
			expect(before.body.whatsapp.status).toBe('unsubmitted');

			const answer = await submit(sid, { name: 'shipped_notice', category: 'UTILITY' });

			expect(answer.status).toBe(201);
			expect(answer.body).toEqual({
				name: 'shipped_notice',
				category: 'UTILITY',
				content_type: 'twilio/text',
				status: 'received',
				rejection_reason: '',
				allow_category_change: true,
			});
			const after = await twilioGet(sandbox, `/content/v1/Content/${sid}/ApprovalRequests`);
			expect(after.body.whatsapp).toMatchObject({ name: 'shipped_notice', category: 'UTILITY', status: 'received' });
			const list = await twilioGet(sandbox, '/content/v1/ContentAndApprovals?PageSize=1000');
			const listed = list.body.contents.find((c: { sid: string }) => c.sid === sid);
			expect(listed.approval_requests).toMatchObject({ name: 'shipped_notice', status: 'received' });
		});

		it('refuses a second submission of the same Content', async () => {
			const sid = await newText('twice_notice');
			expect((await submit(sid, { name: 'twice_notice', category: 'UTILITY' })).status).toBe(201);
			expectTwilioError(await submit(sid, { name: 'twice_notice_2', category: 'UTILITY' }), 400, 20001, /already been submitted/);
		});

		it('refuses a name another template has in the same language', async () => {
			const sid = await newText('dup_notice');
			expectTwilioError(await submit(sid, { name: 'order_update', category: 'UTILITY' }), 400, 20001, /order_update.*exists already/);
		});

		it.each([
			[{ name: 'Bad Name', category: 'UTILITY' }, /Invalid parameter name/],
			[{ name: '', category: 'UTILITY' }, /Invalid parameter name/],
			[{ name: 'fine_name', category: 'PROMOTION' }, /Invalid parameter category/],
		])('checks name and category: %j', async (body, message) => {
			const sid = await newText(`check_${Math.random().toString(36).slice(2, 8)}`);
			expectTwilioError(await submit(sid, body), 400, 20001, message);
		});

		it('takes no members the spec does not list (allow_category_change) and needs both name and category', async () => {
			const sid = await newText('spec_notice');
			expectTwilioError(await submit(sid, { name: 'spec_notice', category: 'UTILITY', allow_category_change: false }), 400, 20001);
			expectTwilioError(await submit(sid, { name: 'spec_notice' }), 400, 20001);
			expect(sandbox.twilioContents.find((c) => c.sid === sid)?.approval).toBeUndefined();
		});

		it('answers 404 for a Content that does not exist', async () => {
			expectTwilioError(await submit(`HX${'f'.repeat(32)}`, { name: 'ghost', category: 'UTILITY' }), 404, 20404);
		});

		it('refuses content WhatsApp cannot approve: a list picker, authentication as plain text, a variable without a sample', async () => {
			expectTwilioError(await submit(seedSid('support_menu_list'), { name: 'support_menu', category: 'UTILITY' }), 400, 20001, /does not approve/);
			const text = await newText('otp_notice');
			expectTwilioError(await submit(text, { name: 'otp_notice', category: 'AUTHENTICATION' }), 400, 20001, /whatsapp\/authentication/);
			const bare = await newText('bare_notice', 'Hello {{1}}, welcome to the shop.', {});
			expectTwilioError(await submit(bare, { name: 'bare_notice', category: 'MARKETING' }), 400, 20001, /no sample value for \{\{1\}\}/);
		});
	});

	describe('whatsapp/card content', () => {
		it('creates a card with a header text, footer and actions, and submits it', async () => {
			const types = {
				'whatsapp/card': {
					body: 'Hi {{1}}, your order ships today.',
					header_text: 'Order update',
					footer: 'Reply STOP to opt out',
					actions: [
						{ type: 'QUICK_REPLY', title: 'Thanks' },
						{ type: 'URL', title: 'Track', url: 'https://shop.example.com/track/{{2}}' },
						{ type: 'COPY_CODE', title: 'Copy code', code: 'SAVE10' },
					],
				},
			};
			const answer = await createContent({ friendly_name: 'card_notice', language: 'en', variables: { 1: 'Ada', 2: 'A-1' }, types });
			expect(answer.status).toBe(201);
			expect(answer.body.types).toEqual(types);
			const approval = await submit(answer.body.sid, { name: 'card_notice', category: 'MARKETING' });
			expect(approval.status).toBe(201);
			expect(approval.body.content_type).toBe('whatsapp/card');
		});

		it.each([
			[{ body: 'Just a body.' }, /at least one of/],
			[{ body: 'Both headers.', header_text: 'Hi', media: ['https://cdn.example.com/a.png'] }, /both header_text and media/],
			[{ body: 'x', header_text: 'h'.repeat(61) }, /header_text must be at most 60/],
			[{ body: 'x', footer: 'f'.repeat(61) }, /footer must be at most 60/],
			[{ body: 'x', media: ['not a url'] }, /not an http\(s\) URL/],
			[{ body: 'x', actions: [{ type: 'PHONE_NUMBER', title: 'Call', phone: '555' }] }, /not an E\.164 number/],
		])('refuses a card like %j', async (card, message) => {
			const answer = await createContent({ friendly_name: 'bad_card', language: 'en', types: { 'whatsapp/card': card } });
			expect(answer.status).toBe(400);
			expect(answer.body.message).toMatch(message);
		});
	});

	describe('the Twilio provider against the sandbox', () => {
		const provider = () => new TwilioProvider(sandboxCredentials(sandbox).whatsAppOmniTwilioApi as unknown as TwilioCredentials);
		const template: NewTemplate = {
			name: 'pickup_ready',
			language: 'en',
			category: 'UTILITY',
			parameterFormat: 'positional',
			header: { format: 'image', sample: { kind: 'url', url: 'https://cdn.example.com/pickup.png' } },
			body: 'Hi {{1}}, order {{2}} is ready for pickup at the front desk.',
			bodyExamples: { 1: 'Ada', 2: 'A-9' },
			footer: 'Open 9 to 5',
			buttons: [{ type: 'phoneNumber', text: 'Call the shop', phoneNumber: '+15551230000' }],
			submitForApproval: true,
		};

		it('creates and submits, reads back, lists page by page with a filter, and deletes', async () => {
			const created = await provider().createTemplate(template);
			expect(created).toMatchObject({ status: 'RECEIVED', category: 'UTILITY', header: { format: 'image' }, footer: 'Open 9 to 5' });
			const stored = sandbox.twilioContents.find((c) => c.sid === created.templateId)!;
			expect(Object.keys(stored.types)).toEqual(['whatsapp/card']);

			const got = await provider().getTemplateInfo({ id: created.templateId });
			expect(got).toMatchObject({ templateId: created.templateId, status: 'RECEIVED', body: template.body });

			// Small pages, no filter: every Content once, in order, across pages.
			const seen: TemplateInfo[] = [];
			let cursor: string | undefined;
			let pages = 0;
			do {
				const page = await provider().queryTemplates({ pageSize: 7, cursor });
				seen.push(...page.templates);
				cursor = page.nextCursor;
				pages++;
			} while (cursor && pages < 20);
			expect(pages).toBe(Math.ceil(sandbox.twilioContents.length / 7));
			expect(seen.map((t) => t.templateId)).toEqual(sandbox.twilioContents.map((c) => c.sid));

			const pending = await provider().queryTemplates({ status: 'pending' });
			expect(pending.templates.map((t) => t.name)).toEqual(expect.arrayContaining(['flight_delay_pending', 'pickup_ready']));

			expect(await provider().deleteTemplate({ id: created.templateId })).toEqual({ provider: 'twilio', deleted: [created.templateId], success: true });
			expect(sandbox.twilioContents.some((c) => c.sid === created.templateId)).toBe(false);
		});

		it('reports the Content that exists when the sandbox refuses the approval', async () => {
			const error = (await provider()
				.createTemplate({ ...template, name: 'order_update' })
				.catch((e: unknown) => e)) as ProviderError;
			expect(error).toBeInstanceOf(ProviderError);
			expect(error.code).toBe(20001);
			const orphan = sandbox.twilioContents.filter((c) => c.friendly_name === 'order_update' && !c.approval);
			expect(orphan).toHaveLength(1);
			expect(error.message).toContain(orphan[0].sid);
		});
	});
});
