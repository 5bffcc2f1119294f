// multipart/form-data (RFC 7578) parsed by hand: the sandbox takes no dependencies. The whole
// body is already in memory (the server caps its size), so parts are views into it; keep a copy
// of a part's bytes (Buffer.from) before the body may be released.

export interface MultipartPart {
	/** The form field name from Content-Disposition. */
	name: string;
	/** Present for file parts. */
	filename?: string;
	/** The part's own Content-Type header, lower-cased media type only. */
	contentType?: string;
	/** A view into the request body: copy it to keep it. */
	data: Buffer;
}

/** What the recorded request shows for a multipart body: plain fields as strings, files summarised. */
export type MultipartSummary = Record<string, string | { filename?: string; contentType?: string; size: number }>;

export function multipartBoundary(contentType: string): string | undefined {
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	const boundary = match ? (match[1] ?? match[2]) : undefined;
	// RFC 2046: 1 to 70 characters.
	return boundary && boundary.length <= 70 ? boundary : undefined;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** undefined when the body is not well-formed multipart with this boundary. */
export function parseMultipart(raw: Buffer, boundary: string): MultipartPart[] | undefined {
	const delimiter = Buffer.from(`--${boundary}`);
	const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
	const parts: MultipartPart[] = [];

	let position = raw.indexOf(delimiter);
	if (position < 0) return undefined;
	for (;;) {
		position += delimiter.length;
		// `--boundary--` closes the body.
		if (raw[position] === 0x2d && raw[position + 1] === 0x2d) return parts;
		// Transport padding may follow a delimiter before its line break.
		while (raw[position] === 0x20 || raw[position] === 0x09) position++;
		if (!raw.subarray(position, position + 2).equals(CRLF)) return undefined;
		position += 2;

		const headerEnd = raw.indexOf(HEADER_END, position);
		if (headerEnd < 0) return undefined;
		const headers = parseHeaders(raw.toString('utf8', position, headerEnd));
		const dataStart = headerEnd + HEADER_END.length;
		const dataEnd = raw.indexOf(nextDelimiter, dataStart);
		if (dataEnd < 0) return undefined;

		const disposition = headers.get('content-disposition');
		if (disposition) {
			const params = dispositionParams(disposition);
			if (params.name !== undefined) {
				const contentType = headers.get('content-type');
				parts.push({
					name: params.name,
					filename: params.filename,
					contentType: contentType ? contentType.split(';')[0].trim().toLowerCase() : undefined,
					data: raw.subarray(dataStart, dataEnd),
				});
			}
		}
		position = dataEnd + 2;
	}
}

export function summarizeMultipart(parts: MultipartPart[]): MultipartSummary {
	const out: MultipartSummary = {};
	for (const part of parts) {
		out[part.name] =
			part.filename !== undefined || part.contentType !== undefined
				? { filename: part.filename, contentType: part.contentType, size: part.data.length }
				: part.data.toString('utf8');
	}
	return out;
}

function parseHeaders(text: string): Map<string, string> {
	const headers = new Map<string, string>();
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return headers;
}

function dispositionParams(value: string): { name?: string; filename?: string } {
	const out: Record<string, string> = {};
	const pattern = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
	for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
		const key = match[1].toLowerCase();
		const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3].trim();
		out[key] = raw;
	}
	// RFC 5987 `filename*=UTF-8''n%C3%A4me.pdf` wins over a plain filename.
	const extended = out['filename*'] ? /^[^']*'[^']*'(.*)$/.exec(out['filename*']) : null;
	let filename = out.filename;
	if (extended) {
		try {
			filename = decodeURIComponent(extended[1]);
		} catch {
			// keep the plain filename
		}
	}
	return { name: out.name, filename };
}
