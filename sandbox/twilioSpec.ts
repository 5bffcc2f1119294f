// Checks every Twilio request against Twilio's own OpenAPI descriptions (the extracted copies
// in sandbox/specs/twilio), before any route sees it. Hand-written routes would otherwise
// accept whatever parameter names the package invents, and a typo such as `MediaURL` would
// pass every test and fail only against the real API.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FormBody } from './types';
import { isHttpUrl, isPlainObject, mediaType } from './util';

export interface SpecSchema {
	$ref?: string;
	type?: string;
	format?: string;
	enum?: unknown[];
	pattern?: string;
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	minItems?: number;
	maxItems?: number;
	items?: SpecSchema;
	properties?: Record<string, SpecSchema>;
	additionalProperties?: boolean | SpecSchema;
	required?: string[];
	nullable?: boolean;
	'x-twilio'?: { ignoreFormat?: boolean };
}

interface SpecParameter {
	name: string;
	in: 'path' | 'query' | 'header';
	required?: boolean;
	schema: SpecSchema;
}

interface SpecOperation {
	operationId: string;
	parameters?: SpecParameter[];
	requestBody?: { content: Record<string, { schema: SpecSchema }> };
}

interface SpecDocument {
	servers: Array<{ url: string }>;
	paths: Record<string, Record<string, unknown> & { servers?: Array<{ url: string }> }>;
	components?: { schemas?: Record<string, SpecSchema> };
}

interface SpecRoute {
	product: string;
	template: string;
	regex: RegExp;
	paramNames: string[];
	/** More literal characters win when two templates match the same path. */
	specificity: number;
	operations: Map<string, SpecOperation>;
	document: SpecDocument;
}

export interface SpecRequest {
	product: string;
	method: string;
	/** Path inside the product, e.g. `/2010-04-01/Accounts/AC.../Messages.json`. */
	path: string;
	query: Record<string, string | string[]>;
	rawBody: Buffer;
	body: unknown;
	contentType: string;
}

export type SpecCheckResult =
	| { ok: true; operationId: string; pathParams: Record<string, string> }
	| { ok: false; status: number; code: number; message: string };

/**
 * Operations whose required form parameters the route checks itself, because Twilio answers
 * a missing one there with a specific error code (e.g. 21604 for a missing `To`) rather than
 * the generic 20001 this check would give.
 */
const ROUTE_CHECKS_REQUIRED = new Set(['CreateMessage']);

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const FORM = 'application/x-www-form-urlencoded';

export const DEFAULT_SPEC_DIR = join(__dirname, 'specs', 'twilio');

export class TwilioSpec {
	private readonly routes: SpecRoute[];

	private constructor(routes: SpecRoute[]) {
		this.routes = routes.sort((a, b) => b.specificity - a.specificity);
	}

	static load(directory: string = DEFAULT_SPEC_DIR): TwilioSpec {
		const routes: SpecRoute[] = [];
		for (const file of readdirSync(directory).filter((f) => f.endsWith('.json')).sort()) {
			const document = JSON.parse(readFileSync(join(directory, file), 'utf8')) as SpecDocument;
			for (const [template, item] of Object.entries(document.paths)) {
				const server = (item.servers ?? document.servers)[0].url;
				const product = new URL(server).hostname.split('.')[0];
				const paramNames: string[] = [];
				const pattern = template
					.split(/(\{[^}]+\})/)
					.map((part) => {
						const param = /^\{([^}]+)\}$/.exec(part);
						if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
						paramNames.push(param[1]);
						return '([^/]+?)';
					})
					.join('');
				const operations = new Map<string, SpecOperation>();
				for (const method of HTTP_METHODS) {
					if (item[method]) operations.set(method.toUpperCase(), item[method] as SpecOperation);
				}
				routes.push({
					product,
					template,
					regex: new RegExp(`^${pattern}$`),
					paramNames,
					specificity: template.replace(/\{[^}]+\}/g, '').length,
					operations,
					document,
				});
			}
		}
		return new TwilioSpec(routes);
	}

	/** Products (first label of the host name) that have at least one path. */
	get products(): string[] {
		return [...new Set(this.routes.map((r) => r.product))];
	}

	check(request: SpecRequest): SpecCheckResult {
		const notFound = (): SpecCheckResult => ({
			ok: false,
			status: 404,
			code: 20404,
			message: `The requested resource ${request.path} was not found`,
		});

		let route: SpecRoute | undefined;
		let pathParams: Record<string, string> = {};
		for (const candidate of this.routes) {
			if (candidate.product !== request.product) continue;
			const match = candidate.regex.exec(request.path);
			if (!match) continue;
			route = candidate;
			pathParams = {};
			candidate.paramNames.forEach((name, i) => {
				pathParams[name] = safeDecode(match[i + 1]);
			});
			break;
		}
		if (!route) return notFound();

		const operation = route.operations.get(request.method);
		if (!operation) {
			return { ok: false, status: 405, code: 20004, message: `Method not allowed: ${request.method} ${route.template}` };
		}
		const validator = new SchemaValidator(route.document);
		const parameters = operation.parameters ?? [];

		// Twilio answers a malformed SID in the path as a resource it cannot find.
		for (const parameter of parameters.filter((p) => p.in === 'path')) {
			const value = pathParams[parameter.name];
			if (value === undefined || validator.checkString(value, parameter.schema, parameter.name) !== undefined) {
				return notFound();
			}
		}

		const fail = (message: string): SpecCheckResult => ({ ok: false, status: 400, code: 20001, message });

		const queryParameters = new Map(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
		for (const [name, value] of Object.entries(request.query)) {
			const parameter = queryParameters.get(name);
			if (!parameter) return fail(`Unknown parameter: ${name}`);
			const problem = validator.checkString(value, parameter.schema, name);
			if (problem) return fail(problem);
		}
		for (const parameter of queryParameters.values()) {
			if (parameter.required && request.query[parameter.name] === undefined) {
				return fail(`Missing required parameter: ${parameter.name}`);
			}
		}

		const problem = this.checkBody(request, operation, validator);
		if (problem) return fail(problem);
		return { ok: true, operationId: operation.operationId, pathParams };
	}

	private checkBody(request: SpecRequest, operation: SpecOperation, validator: SchemaValidator): string | undefined {
		const hasBody = request.rawBody.length > 0;
		const type = mediaType(request.contentType);
		const content = operation.requestBody?.content;
		if (!content) {
			if (!hasBody) return undefined;
			// Without a declared body, anything sent in one is a parameter the API does not know.
			if (isPlainObject(request.body)) {
				const [first] = Object.keys(request.body);
				if (first !== undefined) return `Unknown parameter: ${first}`;
				return undefined;
			}
			return `${request.method} ${request.path} takes no request body`;
		}

		const declared = Object.keys(content);
		if (!hasBody) {
			// No body at all: nothing unknown was sent, but required members may be missing.
			const [declaredType] = declared;
			return declaredType === FORM
				? this.checkForm({}, content[declaredType].schema, operation, validator)
				: validator.checkJson({}, content[declaredType].schema, '');
		}
		if (!declared.includes(type)) {
			return `Unsupported Content-Type '${type || '(none)'}': this operation takes ${declared.join(' or ')}`;
		}
		const schema = content[type].schema;
		if (type === FORM) return this.checkForm(request.body as FormBody, schema, operation, validator);
		if (request.body === undefined) return 'The request body is not valid JSON';
		return validator.checkJson(request.body, schema, '');
	}

	private checkForm(
		form: FormBody,
		schema: SpecSchema,
		operation: SpecOperation,
		validator: SchemaValidator,
	): string | undefined {
		const resolved = validator.resolve(schema);
		const properties = resolved.properties ?? {};
		for (const [name, value] of Object.entries(form)) {
			const property = properties[name];
			if (!property) return `Unknown parameter: ${name}`;
			const problem = validator.checkString(value, property, name);
			if (problem) return problem;
		}
		if (!ROUTE_CHECKS_REQUIRED.has(operation.operationId)) {
			for (const name of resolved.required ?? []) {
				if (form[name] === undefined) return `Missing required parameter: ${name}`;
			}
		}
		return undefined;
	}
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

/** The subset of JSON Schema (OpenAPI 3.0 flavour) that Twilio's descriptions use. */
class SchemaValidator {
	constructor(private readonly document: SpecDocument) {}

	/** Follows $ref, keeping sibling keywords such as `nullable`. */
	resolve(schema: SpecSchema): SpecSchema {
		let current = schema;
		const seen = new Set<string>();
		while (current.$ref) {
			const ref = current.$ref;
			if (seen.has(ref)) throw new Error(`circular $ref ${ref}`);
			seen.add(ref);
			const name = ref.replace(/^#\/components\/schemas\//, '');
			const target = this.document.components?.schemas?.[name];
			if (!target) throw new Error(`spec copy lacks ${ref}: rerun sandbox/specs/extract.js`);
			const { $ref: _dropped, ...siblings } = current;
			current = { ...target, ...siblings };
		}
		return current;
	}

	/**
	 * Form and query values arrive as strings (repeated keys as arrays), so types are checked
	 * by their text, the way Twilio parses them.
	 */
	checkString(value: string | string[], rawSchema: SpecSchema, name: string): string | undefined {
		const schema = this.resolve(rawSchema);
		if (schema.type === 'array') {
			const values = Array.isArray(value) ? value : [value];
			if (schema.minItems !== undefined && values.length < schema.minItems) {
				return `Invalid parameter ${name}: at least ${schema.minItems} values required`;
			}
			if (schema.maxItems !== undefined && values.length > schema.maxItems) {
				return `Invalid parameter ${name}: at most ${schema.maxItems} values allowed`;
			}
			for (const item of values) {
				const problem = this.checkString(item, schema.items ?? {}, name);
				if (problem) return problem;
			}
			return undefined;
		}
		if (Array.isArray(value)) return `Invalid parameter ${name}: it takes a single value, got ${value.length}`;

		switch (schema.type) {
			case 'integer': {
				if (!/^-?\d+$/.test(value)) return `Invalid parameter ${name}: '${value}' is not an integer`;
				return this.checkRange(Number(value), schema, name);
			}
			case 'number': {
				const number = Number(value);
				if (value.trim() === '' || !Number.isFinite(number)) {
					return `Invalid parameter ${name}: '${value}' is not a number`;
				}
				return this.checkRange(number, schema, name);
			}
			case 'boolean':
				if (!/^(true|false)$/i.test(value)) return `Invalid parameter ${name}: '${value}' is not true or false`;
				return undefined;
			case 'object':
				return `Invalid parameter ${name}: objects cannot be sent as form values`;
			default:
				return this.checkText(value, schema, name);
		}
	}

	checkJson(value: unknown, rawSchema: SpecSchema, path: string): string | undefined {
		const schema = this.resolve(rawSchema);
		const name = path || '(body)';
		if (value === null) return schema.nullable ? undefined : `Invalid parameter ${name}: must not be null`;
		const type = schema.type ?? (schema.properties ? 'object' : undefined);
		switch (type) {
			case undefined:
				// `{}` in the spec: any value.
				return undefined;
			case 'object': {
				if (!isPlainObject(value)) return `Invalid parameter ${name}: must be an object`;
				const properties = schema.properties ?? {};
				// Objects that list their properties are closed unless they say otherwise: an
				// unknown member is the same mistake as an unknown form parameter.
				const extra = schema.additionalProperties;
				const closed = extra === false || (extra === undefined && schema.properties !== undefined);
				for (const [key, member] of Object.entries(value)) {
					const memberPath = path ? `${path}.${key}` : key;
					const memberSchema = properties[key] ?? (typeof extra === 'object' ? extra : undefined);
					if (!memberSchema) {
						if (closed) return `Unknown parameter: ${memberPath}`;
						continue;
					}
					const problem = this.checkJson(member, memberSchema, memberPath);
					if (problem) return problem;
				}
				for (const key of schema.required ?? []) {
					if (value[key] === undefined) return `Missing required parameter: ${path ? `${path}.${key}` : key}`;
				}
				return undefined;
			}
			case 'array': {
				if (!Array.isArray(value)) return `Invalid parameter ${name}: must be an array`;
				if (schema.minItems !== undefined && value.length < schema.minItems) {
					return `Invalid parameter ${name}: at least ${schema.minItems} items required`;
				}
				if (schema.maxItems !== undefined && value.length > schema.maxItems) {
					return `Invalid parameter ${name}: at most ${schema.maxItems} items allowed`;
				}
				for (let i = 0; i < value.length; i++) {
					const problem = this.checkJson(value[i], schema.items ?? {}, `${name}[${i}]`);
					if (problem) return problem;
				}
				return undefined;
			}
			case 'integer':
				if (typeof value !== 'number' || !Number.isInteger(value)) return `Invalid parameter ${name}: must be an integer`;
				return this.checkRange(value, schema, name);
			case 'number':
				if (typeof value !== 'number' || !Number.isFinite(value)) return `Invalid parameter ${name}: must be a number`;
				return this.checkRange(value, schema, name);
			case 'boolean':
				return typeof value === 'boolean' ? undefined : `Invalid parameter ${name}: must be true or false`;
			case 'string':
				if (typeof value !== 'string') return `Invalid parameter ${name}: must be a string`;
				return this.checkText(value, schema, name);
			default:
				return undefined;
		}
	}

	private checkRange(value: number, schema: SpecSchema, name: string): string | undefined {
		if (schema.minimum !== undefined && value < schema.minimum) {
			return `Invalid parameter ${name}: must be at least ${schema.minimum}`;
		}
		if (schema.maximum !== undefined && value > schema.maximum) {
			return `Invalid parameter ${name}: must be at most ${schema.maximum}`;
		}
		return undefined;
	}

	private checkText(value: string, schema: SpecSchema, name: string): string | undefined {
		if (schema.enum) {
			// HTTP methods are matched case-insensitively by Twilio; other enums are exact.
			const candidates = schema.enum.map(String);
			const found =
				schema.format === 'http-method'
					? candidates.some((c) => c.toUpperCase() === value.toUpperCase())
					: candidates.includes(value);
			if (!found) return `Invalid parameter ${name}: '${value}' is not one of ${candidates.join(', ')}`;
		}
		if (schema.minLength !== undefined && value.length < schema.minLength) {
			return `Invalid parameter ${name}: must be at least ${schema.minLength} characters`;
		}
		if (schema.maxLength !== undefined && value.length > schema.maxLength) {
			return `Invalid parameter ${name}: must be at most ${schema.maxLength} characters`;
		}
		if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
			return `Invalid parameter ${name}: '${value}' does not match ${schema.pattern}`;
		}
		if (!schema['x-twilio']?.ignoreFormat) {
			// An empty value is how a URL parameter is cleared (e.g. a Messaging Service's InboundRequestUrl).
			if (schema.format === 'uri' && value !== '' && !isHttpUrl(value)) return `Invalid parameter ${name}: '${value}' is not a URL`;
			if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) {
				return `Invalid parameter ${name}: '${value}' is not a date`;
			}
		}
		return undefined;
	}
}
