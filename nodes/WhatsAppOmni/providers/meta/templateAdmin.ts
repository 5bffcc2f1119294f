import type { DeletedTemplate, NewTemplate, TemplateDeletion, TemplateInfo, TemplateInfoPage, TemplateQuery, TemplateRef } from '../types';
import type { MetaContext } from './context';

// STUB: to be implemented.
export async function queryMetaTemplates(_ctx: MetaContext, _query: TemplateQuery): Promise<TemplateInfoPage> {
	throw new Error('not implemented');
}

export async function getMetaTemplateInfo(_ctx: MetaContext, _ref: TemplateRef): Promise<TemplateInfo> {
	throw new Error('not implemented');
}

export async function createMetaTemplate(_ctx: MetaContext, _template: NewTemplate): Promise<TemplateInfo> {
	throw new Error('not implemented');
}

export async function deleteMetaTemplate(_ctx: MetaContext, _target: TemplateDeletion): Promise<DeletedTemplate> {
	throw new Error('not implemented');
}
