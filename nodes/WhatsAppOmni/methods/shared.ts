import { NodeOperationError, type ILoadOptionsFunctions, type NodeError, type ResourceMapperField } from 'n8n-workflow';

import { toNodeError } from '../helpers/errors';
import { ValidationError } from '../helpers/ValidationError';
import { CREDENTIAL_TYPES, createProvider } from '../providers';
import type { ProviderName, TemplateRef, TemplateSummary, TemplateVariable, WhatsAppProvider } from '../providers/types';

/**
 * A template picker's value as a TemplateRef: `<id>|<language>` (Meta's `order_update|en_US`)
 * or a bare id (Twilio's `HX…`). Only the last `|` separates the language.
 */
export function templateRefFromValue(value: unknown): TemplateRef {
	const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	const bar = text.lastIndexOf('|');
	if (bar === -1) return { id: text };
	const language = text.slice(bar + 1).trim();
	return { id: text.slice(0, bar).trim(), ...(language ? { language } : {}) };
}

/** The provider chosen on the node, with its credential, for list searches and mappers. */
export async function loadOptionsProvider(this: ILoadOptionsFunctions): Promise<WhatsAppProvider> {
	const name = this.getNodeParameter('provider', 'meta') as ProviderName;
	const type = CREDENTIAL_TYPES[name];
	if (!type) {
		throw new NodeOperationError(this.getNode(), `Unknown provider "${String(name)}"`);
	}
	const credentials = await this.getCredentials(type);
	return createProvider(name, credentials);
}

/** Errors of a picker or mapper as n8n shows them: the message and what to do, no item number. */
export function loadOptionsError(this: ILoadOptionsFunctions, error: unknown): NodeError {
	if (error instanceof ValidationError) {
		return new NodeOperationError(this.getNode(), error.message, { description: error.hint });
	}
	return toNodeError(this.getNode(), error, { itemIndex: 0 });
}

/** "order_update (en_US) · UTILITY" on Meta, "Order update (en) · UTILITY · approved" on Twilio. */
export function templateLabel(template: TemplateSummary, provider: ProviderName): string {
	const parts = [template.language ? `${template.name} (${template.language})` : template.name];
	if (template.category) parts.push(template.category);
	// Meta lists approved templates unless asked; a status only says something when it is another.
	if (provider !== 'meta' || template.status.toUpperCase() !== 'APPROVED') parts.push(template.status);
	return parts.join(' · ');
}

const EXAMPLE_LENGTH = 40;

function fieldLabel(variable: TemplateVariable): string {
	if (!variable.example) return variable.label;
	const chars = [...variable.example];
	const example = chars.length > EXAMPLE_LENGTH ? `${chars.slice(0, EXAMPLE_LENGTH - 1).join('')}…` : variable.example;
	return `${variable.label} (e.g. ${example})`;
}

export function variableField(variable: TemplateVariable): ResourceMapperField {
	return {
		id: variable.key,
		displayName: fieldLabel(variable),
		required: variable.required,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
	};
}
