import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

/** The Template locators of Send Template and the Template resource. */

// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- a locator mode, not a parameter
export const templateListMode: INodePropertyMode = {
	displayName: 'From List',
	name: 'list',
	type: 'list',
	typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
};

/** Twilio names a template only by its Content SID, whatever the operation. */
// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- a locator mode, not a parameter
export const contentSidMode: INodePropertyMode = {
	displayName: 'By Content SID',
	name: 'id',
	type: 'string',
	placeholder: 'HXb5b62575e6e4ff6129ad7c8efe1f983e',
	hint: 'The Content SID from Twilio Console › Messaging › Content Template Builder: HX followed by 32 characters',
	validation: [
		{
			type: 'regex',
			properties: {
				regex: '^\\s*HX[0-9a-fA-F]{32}\\s*$',
				errorMessage: 'A Content SID is HX followed by 32 hexadecimal characters',
			},
		},
	],
};

/**
 * Meta's typed-in template: a name with an optional |language, as templateRefFromValue splits
 * it. A numeric template ID passes the same check.
 */
export function metaTemplateMode(displayName: string, hint: string, errorMessage: string): INodePropertyMode {
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- a locator mode, not a parameter
	return {
		displayName,
		name: 'id',
		type: 'string',
		placeholder: 'order_update|en_US',
		hint,
		validation: [
			{
				type: 'regex',
				properties: {
					regex: '^\\s*[a-z0-9_]+\\s*(\\|\\s*[A-Za-z]{2,3}(_[A-Za-z0-9]{2,4})?\\s*)?$',
					errorMessage,
				},
			},
		],
	};
}

/** The Template locator once per provider: a list or Meta's typed-in mode, a list or a Content SID on Twilio. */
export function templateLocators(meta: { description: string; mode: INodePropertyMode }, twilioDescription: string): INodeProperties[] {
	const locator = (provider: string, description: string, mode: INodePropertyMode): INodeProperties => ({
		displayName: 'Template',
		name: 'template',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description,
		displayOptions: { show: { '/provider': [provider] } },
		modes: [templateListMode, mode],
	});
	return [locator('meta', meta.description, meta.mode), locator('twilio', twilioDescription, contentSidMode)];
}
