// Template management on the Twilio emulation beyond what twilio.ts serves: the WhatsApp approval
// request (POST /v1/Content/{ContentSid}/ApprovalRequests/whatsapp), keyed by Twilio operationId.
//
// A submitted Content starts as `received` (Twilio has it, WhatsApp has not answered yet); tests
// move it on by setting `approval.status` in the state. Twilio documents no error codes for a
// refused approval request, so every refusal here is its generic 20001 ("Invalid parameter")
// with a message saying what is wrong.

import { approvalRequests, contentPlaceholders, isoSeconds, type TwilioContent, type TwilioContentApproval } from './twilioContent';
import { notFound, twilioError } from './twilioErrors';
import type { TwilioRoute } from './twilio';
import { isPlainObject } from './util';

const CATEGORIES: ReadonlyArray<TwilioContentApproval['category']> = ['UTILITY', 'MARKETING', 'AUTHENTICATION'];
/** WhatsApp's template name rule. */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
/** Types WhatsApp has no template for: they can only be sent inside a customer's 24-hour window. */
const SESSION_ONLY_TYPES = new Set(['twilio/list-picker', 'twilio/location']);

function invalid(message: string) {
	return twilioError(400, 20001, message);
}

/** Why this Content cannot be submitted as it is, or undefined. */
function submissionProblem(content: TwilioContent, category: TwilioContentApproval['category']): string | undefined {
	const types = Object.keys(content.types);
	if (types.every((type) => SESSION_ONLY_TYPES.has(type))) {
		return `Content ${content.sid} has only ${types.join(', ')}, which WhatsApp does not approve as a template`;
	}
	if (category === 'AUTHENTICATION' && !types.includes('whatsapp/authentication')) {
		return 'Invalid parameter category: AUTHENTICATION templates must be whatsapp/authentication content';
	}
	const missing = contentPlaceholders(content.types).filter((key) => !content.variables[key]);
	if (missing.length > 0) {
		return `Content ${content.sid} has no sample value for ${missing.map((key) => `{{${key}}}`).join(', ')}; WhatsApp needs one per variable`;
	}
	return undefined;
}

const createApproval: TwilioRoute = ({ request, pathParams, state }) => {
	const sid = pathParams.ContentSid;
	const content = state.twilioContents.find((c) => c.sid === sid);
	if (!content) return notFound(`/v1/Content/${sid}/ApprovalRequests/whatsapp`);
	const body = isPlainObject(request.body) ? request.body : {};
	const name = body.name;
	if (typeof name !== 'string' || !TEMPLATE_NAME.test(name)) {
		return invalid(`Invalid parameter name: '${String(name)}' must be 1 to 512 lowercase letters, digits or underscores`);
	}
	const category = typeof body.category === 'string' ? (body.category.toUpperCase() as TwilioContentApproval['category']) : undefined;
	if (!category || !CATEGORIES.includes(category)) {
		return invalid(`Invalid parameter category: '${String(body.category)}' is not one of ${CATEGORIES.join(', ')}`);
	}
	if (content.approval) {
		return invalid(`Content ${sid} has already been submitted for WhatsApp approval as '${content.approval.name}' (${content.approval.status})`);
	}
	const taken = state.twilioContents.find((c) => c.approval?.name === name && c.language === content.language);
	if (taken) return invalid(`A WhatsApp template named '${name}' in language '${content.language}' exists already (${taken.sid})`);
	const problem = submissionProblem(content, category);
	if (problem) return invalid(problem);

	content.approval = { name, category, status: 'received', rejection_reason: '' };
	content.date_updated = isoSeconds();
	const { type: _type, ...answer } = approvalRequests(content);
	return { status: 201, body: answer };
};

export const TWILIO_TEMPLATE_ADMIN_ROUTES: Record<string, TwilioRoute> = {
	CreateApprovalCreate: createApproval,
};
