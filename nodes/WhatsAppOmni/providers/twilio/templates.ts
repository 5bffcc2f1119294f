import type { TemplateContent, TemplateDefinition, TemplateListOptions, TemplatePage, TemplateRef } from '../types';
import type { TwilioClient } from './client';

// Filled in by the Send Template work: Content templates listed from ContentAndApprovals (paged),
// one template's variables, and ContentSid + ContentVariables for sending.

export function buildTwilioTemplate(_content: TemplateContent): { contentSid: string; contentVariables?: string } {
	throw new Error('Send Template is not available yet');
}

export async function listTwilioTemplates(_client: TwilioClient, _options: TemplateListOptions): Promise<TemplatePage> {
	throw new Error('Template listing is not available yet');
}

export async function getTwilioTemplate(_client: TwilioClient, _ref: TemplateRef): Promise<TemplateDefinition> {
	throw new Error('Template reading is not available yet');
}
