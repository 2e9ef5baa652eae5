// Test images made with sharp, and a count of the files in a media directory, to prove that a
// refused upload stored nothing.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";

/** A JPEG whose pixels are stored sideways with EXIF orientation 6 and a GPS position. */
export async function sidewaysJpegWithGps(width = 200, height = 100): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .composite([
      {
        input: {
          create: {
            width: Math.floor(width / 2),
            height,
            channels: 3,
            background: { r: 20, g: 20, b: 220 },
          },
        },
        left: 0,
        top: 0,
      },
    ])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "KithTestCamera", Model: "Sideways" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "48/1 51/1 2400/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "2/1 21/1 300/100",
      },
    })
    .toBuffer();
}

/** A plain PNG of one colour. */
export function png(width: number, height: number, colour = { r: 10, g: 160, b: 90 }) {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A noisy JPEG (noise keeps it from compressing to nothing). */
export function noisyJpeg(width: number, height: number) {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 128, g: 128, b: 128 },
      noise: { type: "gaussian", mean: 128, sigma: 30 },
    },
  })
    .jpeg({ quality: 50 })
    .toBuffer();
}

/** Bytes as a Blob, as a browser client would send a picked file. */
export const blob = (data: Uint8Array, type?: string) =>
  new Blob([new Uint8Array(data)], type ? { type } : {});

/** Every file under `dir` (none when it does not exist). */
export function countFiles(dir: string): number {
  let count = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    count += statSync(path).isDirectory() ? countFiles(path) : 1;
  }
  return count;
}

/** Posts a multipart form with a file (and other fields) and returns status and JSON. */
export async function uploadForm(
  url: string,
  token: string,
  fields: Record<string, string | { data: Uint8Array; name: string; type: string }>,
  method = "POST",
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as in users.ts
): Promise<{ status: number; json: any }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, blob(value.data, value.type), value.name);
  }
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json };
}
