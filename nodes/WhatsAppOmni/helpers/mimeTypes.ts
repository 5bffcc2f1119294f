/**
 * MIME types by file extension, for media given as a URL: the name is all the node knows before
 * the provider fetches the file. Only unambiguous extensions are listed (not .3gp, which is
 * audio or video); an unknown one means "do not guess".
 */
const BY_EXTENSION: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	svg: 'image/svg+xml',
	heic: 'image/heic',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	avi: 'video/x-msvideo',
	mkv: 'video/x-matroska',
	webm: 'video/webm',
	aac: 'audio/aac',
	amr: 'audio/amr',
	mp3: 'audio/mpeg',
	m4a: 'audio/mp4',
	ogg: 'audio/ogg',
	opus: 'audio/ogg',
	wav: 'audio/wav',
	flac: 'audio/flac',
	pdf: 'application/pdf',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	txt: 'text/plain',
	csv: 'text/csv',
	zip: 'application/zip',
	vcf: 'text/vcard',
};

/** The MIME type a URL's path suggests, or undefined when its extension says nothing certain. */
export function mimeTypeFromUrl(url: string): string | undefined {
	try {
		const name = new URL(url).pathname.split('/').pop() ?? '';
		const dot = name.lastIndexOf('.');
		return dot > 0 ? BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined;
	} catch {
		return undefined;
	}
}

/** `Image/JPEG; charset=…` → `image/jpeg`: the type without parameters, as limits list it. */
export function baseMimeType(mimeType: string): string {
	return mimeType.split(';')[0].trim().toLowerCase();
}
