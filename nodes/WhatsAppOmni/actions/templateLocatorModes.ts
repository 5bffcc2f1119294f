import type { INodePropertyMode } from 'n8n-workflow';

/** Modes of the Template locators shared by Send Template and the Template resource. */

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
