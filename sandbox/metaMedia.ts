// Media of the Graph API emulation: POST /<phone-number-id>/media (multipart upload),
// GET and DELETE /<media-id>, and the download URL GET /graph/media-download/<id> that
// GET /<media-id> hands out (Meta's own is on lookaside.fbsbx.com and needs the same token).

import { createHash, randomInt } from 'node:crypto';

import { invalidParameter, mediaUploadError, requiredParameter } from './metaErrors';
import type { SandboxReply, SandboxRequest, StoredMedia } from './types';
import { isPlainObject, randomAlnum } from './util';

const KB = 1024;
const MB = 1024 * 1024;

/** Supported upload types and their size limits (Meta's media reference). */
export const META_MEDIA_LIMITS: Readonly<Record<string, { kind: 'image' | 'video' | 'audio' | 'document' | 'sticker'; maxBytes: number; label: string }>> = Object.freeze({
	'image/jpeg': { kind: 'image', maxBytes: 5 * MB, label: '5 MB' },
	'image/png': { kind: 'image', maxBytes: 5 * MB, label: '5 MB' },
	// WebP is for stickers only; 500 KB is the animated-sticker limit (static ones: 100 KB).
	'image/webp': { kind: 'sticker', maxBytes: 500 * KB, label: '500 KB' },
	'video/mp4': { kind: 'video', maxBytes: 16 * MB, label: '16 MB' },
	'video/3gpp': { kind: 'video', maxBytes: 16 * MB, label: '16 MB' },
	'audio/aac': { kind: 'audio', maxBytes: 16 * MB, label: '16 MB' },
	'audio/amr': { kind: 'audio', maxBytes: 16 * MB, label: '16 MB' },
	'audio/mpeg': { kind: 'audio', maxBytes: 16 * MB, label: '16 MB' },
	'audio/mp4': { kind: 'audio', maxBytes: 16 * MB, label: '16 MB' },
	'audio/ogg': { kind: 'audio', maxBytes: 16 * MB, label: '16 MB' },
	'text/plain': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/pdf': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/msword': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/vnd.ms-excel': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/vnd.ms-powerpoint': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', maxBytes: 100 * MB, label: '100 MB' },
});

/** Total bytes kept before the oldest uploads are dropped. */
export const MEDIA_STORE_MAX_BYTES = 200 * MB;

export class MediaStore {
	private readonly items = new Map<string, StoredMedia>();
	private totalBytes = 0;

	constructor(private readonly maxBytes: number = MEDIA_STORE_MAX_BYTES) {}

	get(id: string): StoredMedia | undefined {
		return this.items.get(id);
	}

	get size(): number {
		return this.items.size;
	}

	get bytes(): number {
		return this.totalBytes;
	}

	/**
	 * Stores a file under a new id, or under `fixed.id` (media of an inbound webhook, whose id
	 * the payload already carries); an id already stored is kept as it is.
	 */
	add(
		media: Omit<StoredMedia, 'id' | 'downloadToken' | 'uploadedAt' | 'sha256' | 'size'>,
		fixed?: { id: string; downloadToken: string },
	): StoredMedia {
		if (fixed) {
			const existing = this.items.get(fixed.id);
			if (existing) return existing;
		}
		let id = fixed?.id ?? newMediaId();
		while (!fixed && this.items.has(id)) id = newMediaId();
		const stored: StoredMedia = {
			...media,
			id,
			size: media.bytes.length,
			sha256: createHash('sha256').update(media.bytes).digest('hex'),
			uploadedAt: Date.now(),
			downloadToken: fixed?.downloadToken ?? randomAlnum(32),
		};
		this.items.set(id, stored);
		this.totalBytes += stored.size;
		// Map iteration is insertion order: the first entries are the oldest.
		for (const [oldId, old] of this.items) {
			if (this.totalBytes <= this.maxBytes || oldId === id) break;
			this.items.delete(oldId);
			this.totalBytes -= old.size;
		}
		return stored;
	}

	delete(id: string): boolean {
		const media = this.items.get(id);
		if (!media) return false;
		this.items.delete(id);
		this.totalBytes -= media.size;
		return true;
	}
}

/** 16 digits, as Meta's media ids (15–17 digits) look. */
function newMediaId(): string {
	let id = String(randomInt(1, 10));
	for (let i = 0; i < 15; i++) id += String(randomInt(0, 10));
	return id;
}

function fieldValue(request: SandboxRequest, name: string): string | undefined {
	const part = request.multipart?.find((p) => p.name === name && p.filename === undefined);
	if (part) return part.data.toString('utf8');
	const body = request.body;
	if (!request.multipart && isPlainObject(body) && typeof body[name] === 'string') return body[name] as string;
	return undefined;
}

export function uploadMedia(request: SandboxRequest, store: MediaStore, phoneNumberId: string): SandboxReply {
	const product = fieldValue(request, 'messaging_product');
	if (product === undefined) throw requiredParameter('messaging_product');
	if (product !== 'whatsapp') {
		throw invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${product}".`);
	}
	const file = request.multipart?.find((p) => p.name === 'file');
	if (!file) throw requiredParameter('file');
	const type = fieldValue(request, 'type');
	if (type === undefined || type.trim() === '') throw requiredParameter('type');

	const mimeType = type.split(';')[0].trim().toLowerCase();
	const limit = META_MEDIA_LIMITS[mimeType];
	if (!limit) {
		throw mediaUploadError(
			`Param type has an unsupported media type "${type}". Supported types: ${Object.keys(META_MEDIA_LIMITS).join(', ')}.`,
		);
	}
	if (file.data.length === 0) throw mediaUploadError('Param file is empty: the uploaded file has 0 bytes.');
	if (file.data.length > limit.maxBytes) {
		throw mediaUploadError(
			`Param file is too large: ${file.data.length} bytes is over the ${limit.label} limit for ${limit.kind} media (${mimeType}).`,
		);
	}

	const stored = store.add({
		mimeType,
		fileName: file.filename,
		// A copy, so the request body it was cut from can be released.
		bytes: Buffer.from(file.data),
		phoneNumberId,
	});
	return { status: 200, body: { id: stored.id } };
}

export function describeMedia(media: StoredMedia, baseUrl: string): Record<string, unknown> {
	return {
		messaging_product: 'whatsapp',
		url: `${baseUrl}/graph/media-download/${media.id}?token=${media.downloadToken}`,
		mime_type: media.mimeType,
		sha256: media.sha256,
		file_size: media.size,
		id: media.id,
	};
}

export function downloadMedia(media: StoredMedia): SandboxReply {
	const headers: Record<string, string> = { 'content-type': media.mimeType };
	if (media.fileName) headers['content-disposition'] = `attachment; filename="${media.fileName.replace(/["\\\r\n]/g, '_')}"`;
	return { status: 200, body: media.bytes, headers };
}
