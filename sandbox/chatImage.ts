// The chat page's sample photo: a small landscape drawn here and encoded as PNG with node:zlib,
// so the repository holds no binary file and the sandbox needs no image library.

import { deflateSync } from 'node:zlib';

const WIDTH = 480;
const HEIGHT = 320;

let crcTable: Uint32Array | undefined;

function crc32(bytes: Buffer): number {
	if (!crcTable) {
		crcTable = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGB PNG of the pixels `paint` gives. */
export function encodePng(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Buffer {
	const stride = width * 3 + 1;
	const raw = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		raw[y * stride] = 0; // filter: none
		for (let x = 0; x < width; x++) {
			const [r, g, b] = paint(x, y);
			const at = y * stride + 1 + x * 3;
			raw[at] = r;
			raw[at + 1] = g;
			raw[at + 2] = b;
		}
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // colour type: RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

function mix(a: number[], b: number[], t: number): [number, number, number] {
	const k = Math.max(0, Math.min(1, t));
	return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * k)) as [number, number, number];
}

function sunset(x: number, y: number): [number, number, number] {
	const horizon = HEIGHT * 0.68;
	const ridge = (base: number, amp: number, freq: number, phase: number) =>
		base + amp * Math.sin(x * freq + phase) + amp * 0.45 * Math.sin(x * freq * 2.7 + phase * 1.9);
	const far = ridge(HEIGHT * 0.5, 16, 0.018, 0.6);
	const near = ridge(HEIGHT * 0.6, 22, 0.011, 2.2);
	if (y > horizon) {
		// Water reflecting the sky, darker with depth, with a path of light below the sun.
		const depth = (y - horizon) / (HEIGHT - horizon);
		const glint = Math.max(0, 1 - Math.abs(x - WIDTH * 0.66) / (28 + depth * 60)) * (0.5 + 0.5 * Math.sin(y * 0.9));
		return mix(mix([244, 150, 94], [28, 52, 92], depth), [255, 226, 160], glint * 0.8);
	}
	if (y > near) return mix([38, 70, 83], [24, 44, 54], (y - near) / 40);
	if (y > far) return mix([91, 103, 140], [70, 84, 118], (y - far) / 40);
	const dx = x - WIDTH * 0.66;
	const dy = y - HEIGHT * 0.42;
	const distance = Math.sqrt(dx * dx + dy * dy);
	if (distance < 34) return [255, 236, 179];
	const sky = mix([64, 92, 166], [250, 170, 110], y / horizon);
	return mix([255, 214, 140], sky, Math.min(1, (distance - 34) / 90));
}

let cached: Buffer | undefined;

/** 480×320 PNG, a few tens of kilobytes. */
export function samplePhoto(): Buffer {
	cached ??= encodePng(WIDTH, HEIGHT, sunset);
	return cached;
}
