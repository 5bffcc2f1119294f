import { validateNewTemplate } from '../../nodes/WhatsAppOmni/helpers/templateRules';
import { ValidationError } from '../../nodes/WhatsAppOmni/helpers/ValidationError';
import type { NewTemplate } from '../../nodes/WhatsAppOmni/providers/types';

const base = (over: Partial<NewTemplate> = {}): NewTemplate => ({
	name: 'order_update',
	language: 'en_US',
	category: 'UTILITY',
	parameterFormat: 'positional',
	body: 'Hi {{1}}, your order {{2}} has shipped.',
	bodyExamples: { '1': 'Ada', '2': 'A-1042' },
	buttons: [],
	submitForApproval: true,
	...over,
});

function failure(template: NewTemplate): ValidationError {
	try {
		validateNewTemplate(template);
	} catch (error) {
		expect(error).toBeInstanceOf(ValidationError);
		return error as ValidationError;
	}
	throw new Error('expected a ValidationError');
}

describe('validateNewTemplate', () => {
	it('accepts a complete template with every kind of component', () => {
		expect(() =>
			validateNewTemplate(
				base({
					header: { format: 'text', text: 'Order {{1}}', example: 'A-1042' },
					footer: 'Omni Shop',
					buttons: [
						{ type: 'quickReply', text: 'Yes' },
						{ type: 'quickReply', text: 'No' },
						{ type: 'url', text: 'Track', url: 'https://shop.example.com/t/{{1}}', example: 'https://shop.example.com/t/A1' },
						{ type: 'phoneNumber', text: 'Call us', phoneNumber: '+15551234567' },
						{ type: 'copyCode', example: 'SAVE25' },
					],
				}),
			),
		).not.toThrow();
		expect(() =>
			validateNewTemplate(base({ parameterFormat: 'named', body: 'Hi {{customer_name}}, thanks.', bodyExamples: { customer_name: 'Ada' } })),
		).not.toThrow();
	});

	it.each([
		['Name', { name: 'Order-Update' }, /lowercase letters, digits and underscores/],
		['Name', { name: 'a'.repeat(513) }, /513 characters long; WhatsApp allows at most 512/],
		['Language', { language: 'english' }, /not a WhatsApp language code/],
		['Category', { category: 'PROMO' as never }, /not one of AUTHENTICATION, MARKETING, UTILITY/],
		['Body', { body: 'x'.repeat(1025), bodyExamples: {} }, /1025 characters long; WhatsApp allows at most 1024/],
		['Body', { body: '{{1}} is your code, thanks', bodyExamples: { '1': '42' } }, /may not start or end with a variable/],
		['Body', { body: 'Hi {{1}}, order {{2}}', bodyExamples: { '1': 'a', '2': 'b' } }, /may not start or end/],
		['Body', { body: 'Hi {{1}} {{2}} ok', bodyExamples: { '1': 'a', '2': 'b' } }, /two variables next to each other/],
		['Body', { body: 'Hi {{2}} and {{1}} ok' }, /\{\{2\}\} where \{\{1\}\} is expected/],
		['Body', { body: 'Hi {{name}} ok', bodyExamples: { name: 'a' } }, /named variable, but Parameter Format is positional/],
		['Body', { body: 'Hi {{ 1 }} ok' }, /malformed variable/],
		['Body', { body: 'Hi {{1} ok' }, /unmatched double braces/],
		['Body Examples', { bodyExamples: { '1': 'Ada' } }, /\{\{2\}\} has no example/],
		['Body Examples', { bodyExamples: { '1': 'Ada', '2': 'x', '3': 'y' } }, /"3", which the body does not use/],
		['Header Text', { header: { format: 'text', text: 'x'.repeat(61) } }, /61 characters long; WhatsApp allows at most 60/],
		['Header Text', { header: { format: 'text', text: 'A {{1}} b {{2}}', example: 'x' } }, /2 variables; WhatsApp allows at most one/],
		['Header Example', { header: { format: 'text', text: 'Order {{1}}' } }, /needs an example/],
		['Footer', { footer: 'f'.repeat(61) }, /at most 60/],
		['Footer', { footer: 'Bye {{1}}' }, /may not contain variables/],
		['Header Sample URL', { header: { format: 'image', sample: { kind: 'url', url: 'ftp://x' } } }, /not an http\(s\) URL/],
	] as Array<[string, Partial<NewTemplate>, RegExp]>)('%s: %p', (field, over, message) => {
		const error = failure(base(over));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
	});

	describe('buttons', () => {
		const quick = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'quickReply' as const, text: `Q${i}` }));
		const url = { type: 'url' as const, text: 'Open', url: 'https://x.example/a' };

		it.each([
			['Buttons', quick(11), /11 buttons; WhatsApp allows at most 10/],
			['Buttons', [url, url, url], /3 URL buttons; WhatsApp allows at most 2/],
			['Buttons', [{ type: 'phoneNumber', text: 'A', phoneNumber: '+15551234567' }, { type: 'phoneNumber', text: 'B', phoneNumber: '+15551234568' }], /2 phone number buttons; WhatsApp allows at most 1/],
			['Buttons', [{ type: 'copyCode', example: 'A' }, { type: 'copyCode', example: 'B' }], /2 copy code buttons/],
			['Buttons', [{ type: 'quickReply', text: 'A' }, url, { type: 'quickReply', text: 'B' }], /grouped together/],
			['Buttons › 1 Text', [{ type: 'quickReply', text: 'x'.repeat(26) }], /26 characters long; WhatsApp allows at most 25/],
			['Buttons › 1 Text', [{ type: 'quickReply', text: ' ' }], /has no text/],
			['Buttons › 1 URL', [{ ...url, url: 'https://x.example/{{1}}/a' }], /only have one variable, \{\{1\}\}, at its end/],
			['Buttons › 1 URL', [{ ...url, url: 'https://x.example/' + 'a'.repeat(2000) }], /at most 2000/],
			['Buttons › 1 URL Example', [{ ...url, url: 'https://x.example/{{1}}' }], /has a variable but no example/],
			['Buttons › 1 Phone Number', [{ type: 'phoneNumber', text: 'Call', phoneNumber: '5551234' }], /not in international format/],
			['Buttons › 1 Example', [{ type: 'copyCode', example: 'X'.repeat(16) }], /at most 15/],
		] as Array<[string, NewTemplate['buttons'], RegExp]>)('%s: %p', (field, buttons, message) => {
			const error = failure(base({ buttons }));
			expect(error.field).toBe(field);
			expect(error.message).toMatch(message);
		});

		it('allows quick replies after the other buttons and ten of them', () => {
			expect(() => validateNewTemplate(base({ buttons: [url, ...quick(9)] }))).not.toThrow();
			expect(() => validateNewTemplate(base({ buttons: quick(10) }))).not.toThrow();
		});
	});
});
