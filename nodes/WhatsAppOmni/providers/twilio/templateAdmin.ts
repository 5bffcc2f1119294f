import type { DeletedTemplate, NewTemplate, TemplateDeletion, TemplateInfo, TemplateInfoPage, TemplateQuery, TemplateRef } from '../types';
import type { TwilioContext } from './context';

// STUB: to be implemented.
export async function queryTwilioTemplates(_ctx: TwilioContext, _query: TemplateQuery): Promise<TemplateInfoPage> {
	throw new Error('not implemented');
}

export async function getTwilioTemplateInfo(_ctx: TwilioContext, _ref: TemplateRef): Promise<TemplateInfo> {
	throw new Error('not implemented');
}

export async function createTwilioTemplate(_ctx: TwilioContext, _template: NewTemplate): Promise<TemplateInfo> {
	throw new Error('not implemented');
}

export async function deleteTwilioTemplate(_ctx: TwilioContext, _target: TemplateDeletion): Promise<DeletedTemplate> {
	throw new Error('not implemented');
}
