import { mimeTypeFromUrl } from '../../nodes/WhatsAppOmni/helpers/mimeTypes';

describe('mimeTypeFromUrl', () => {
	it.each([
		['https://x.io/a/photo.JPG', 'image/jpeg'],
		['https://x.io/clip.mov?sig=abc', 'video/quicktime'],
		['https://x.io/voice.opus', 'audio/ogg'],
		['https://x.io/report.xlsx#sheet', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
		['https://x.io/download?id=3', undefined],
		['https://x.io/clip.3gp', undefined],
		['https://x.io/.hidden', undefined],
		['not a url', undefined],
	])('%s → %s', (url, expected) => {
		expect(mimeTypeFromUrl(url)).toBe(expected);
	});
});
