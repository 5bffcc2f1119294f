import { NodeHelpers, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { WhatsAppOmni } from '../../nodes/WhatsAppOmni/WhatsAppOmni.node';

/** The node's parameters as n8n resolves them for these values: hidden ones dropped, defaults filled in. */
function resolved(values: INodeParameters): INodeParameters {
	const node = new WhatsAppOmni();
	return NodeHelpers.getNodeParameters(node.description.properties, values, true, false, { typeVersion: 1 }, node.description) ?? {};
}

/** The Status options a provider's Get Many filters offer. */
function statusValues(provider: string): unknown[] {
	const node = new WhatsAppOmni();
	const values = { resource: 'template', operation: 'getMany', provider };
	const filters = node.description.properties.filter(
		(property) => property.name === 'filters' && NodeHelpers.displayParameter(values, property, { typeVersion: 1 }, node.description, values),
	);
	expect(filters).toHaveLength(1);
	const status = (filters[0].options as INodeProperties[]).find((option) => option.name === 'status');
	return (status?.options as Array<{ value: unknown }>).map((option) => option.value);
}

describe('Template parameters per provider', () => {
	it('Get Many: Meta offers only statuses Graph accepts; Twilio adds Received and Unsubmitted', () => {
		expect(statusValues('meta')).toEqual(['APPROVED', 'DISABLED', 'PAUSED', 'PENDING', 'REJECTED']);
		expect(statusValues('twilio')).toEqual(['APPROVED', 'DISABLED', 'PAUSED', 'PENDING', 'RECEIVED', 'REJECTED', 'UNSUBMITTED']);
	});

	it('Create with a media header: Meta chooses binary (default) or handle; Twilio has only the URL', () => {
		const meta = resolved({ provider: 'meta', resource: 'template', operation: 'create', headerType: 'image' });
		expect(meta).toMatchObject({ headerSampleSource: 'binary', headerBinaryPropertyName: 'data' });
		expect(meta).not.toHaveProperty('headerSampleUrl');
		expect(resolved({ provider: 'meta', resource: 'template', operation: 'create', headerType: 'image', headerSampleSource: 'handle' })).toHaveProperty('headerHandle', '');

		const twilio = resolved({ provider: 'twilio', resource: 'template', operation: 'create', headerType: 'image' });
		expect(twilio).toHaveProperty('headerSampleUrl', '');
		for (const name of ['headerSampleSource', 'headerBinaryPropertyName', 'headerHandle']) expect(twilio).not.toHaveProperty(name);
	});

	it('Create options: Allow Category Change only on Meta, Submit for Approval only on Twilio', () => {
		const node = new WhatsAppOmni();
		const optionNames = (provider: string) => {
			const values = { resource: 'template', operation: 'create', provider };
			const options = node.description.properties.filter(
				(property) => property.name === 'options' && NodeHelpers.displayParameter(values, property, { typeVersion: 1 }, node.description, values),
			);
			expect(options).toHaveLength(1);
			return (options[0].options as INodeProperties[]).map((option) => option.name);
		};
		expect(optionNames('meta')).toEqual(['allowCategoryChange', 'definitionJson']);
		expect(optionNames('twilio')).toEqual(['definitionJson', 'submitForApproval']);
	});

	it('Delete: Delete All Languages is off by default, so a name|language pick deletes one language', () => {
		expect(resolved({ provider: 'meta', resource: 'template', operation: 'delete' })).toMatchObject({ deleteAllLanguages: false, language: '' });
	});
});
