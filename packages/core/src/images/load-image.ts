import type { InputImagePart } from "../model/items.js";
import { openRegularFile, readHead } from "../util/read-guard.js";

/**
 * What an image may be. The provider takes PNG, JPEG, WebP and non-animated GIF, up to 50 MB a
 * request, and scales every image to fit 2048 px on its long side and 768 px on its short side
 * before the model sees it: larger images are scaled down here to that size (nothing the model
 * would see is lost, and the request stays small), and files above the request limit are refused.
 */
export const IMAGE_LIMITS = {
  maxFileBytes: 50 * 1024 * 1024,
  maxLongSide: 2048,
  maxShortSide: 768,
} as const;

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

export type LoadedImage = {
  part: InputImagePart;
  path: string;
  format: ImageFormat;
  /** Size as sent; unknown when the image library could not load (the file is then sent as it is). */
  width?: number;
  height?: number;
  /** Size of the file's image, when it was scaled down. */
  original?: { width: number; height: number };
  /** An animation, of which the first frame is sent. */
  firstFrame?: true;
  /** Bytes as sent (before base64). */
  bytes: number;
};

const MIME: Record<ImageFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/**
 * Reads an image file for the model: PNG, JPEG, GIF or WebP (told by its bytes, not its name),
 * scaled down above the provider's limits, as an `input_image` data URL. Files are opened the way
 * read_file opens them (never a FIFO, never a process's entry under /proc). Returns a sentence
 * saying what is wrong otherwise.
 */
export async function loadImage(file: string): Promise<LoadedImage | { error: string }> {
  const opened = await openRegularFile(file);
  if ("error" in opened) {
    return { error: opened.code === "ENOENT" ? `${file} does not exist` : opened.error };
  }
  let data: Buffer;
  try {
    const size = opened.stat.size;
    if (size > IMAGE_LIMITS.maxFileBytes) {
      return {
        error: `${file} is ${megabytes(size)}; images up to ${megabytes(IMAGE_LIMITS.maxFileBytes)} are accepted (the provider's request limit)`,
      };
    }
    if (size === 0) return { error: `${file} is empty, not an image` };
    data = await readHead(opened.handle, size);
  } catch (error) {
    return { error: `cannot read ${file}: ${(error as Error).message}` };
  } finally {
    await opened.handle.close();
  }
  const format = sniffFormat(data);
  if (!format) return { error: `${file} is not a PNG, JPEG, GIF or WebP image` };
  return prepare(file, data, format);
}

/** The format a file's first bytes announce, or null. */
export function sniffFormat(data: Buffer): ImageFormat | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return "png";
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpeg";
  const head = data.subarray(0, 12).toString("latin1");
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return "gif";
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "webp";
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function prepare(
  file: string,
  data: Buffer,
  format: ImageFormat,
): Promise<LoadedImage | { error: string }> {
  const sharp = await loadSharp();
  // Without the image library (no prebuilt binary for this platform) the file goes as it is: the
  // provider scales images itself, and the size was checked above.
  if (!sharp) return loaded(file, data, format);
  const name = format === "jpeg" ? "JPEG" : format === "webp" ? "WebP" : format.toUpperCase();
  try {
    const meta = await sharp(data, { animated: false }).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    const animated = (meta.pages ?? 1) > 1;
    const scale = Math.min(
      1,
      IMAGE_LIMITS.maxLongSide / Math.max(width, height),
      IMAGE_LIMITS.maxShortSide / Math.min(width, height),
    );
    if (scale === 1 && !animated) return loaded(file, data, format, width, height);
    const target = {
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    };
    // The provider takes no animations: their first frame is sent, as a PNG.
    const out: ImageFormat = format === "gif" || animated ? "png" : format;
    let pipeline = sharp(data, { animated: false })
      .autoOrient()
      .resize({ ...target, fit: "fill" });
    pipeline =
      out === "jpeg"
        ? pipeline.jpeg({ quality: 85 })
        : out === "webp"
          ? pipeline.webp({ quality: 85 })
          : pipeline.png();
    const image = loaded(file, await pipeline.toBuffer(), out, target.width, target.height);
    if (scale < 1) image.original = { width, height };
    if (animated) image.firstFrame = true;
    return image;
  } catch (error) {
    return { error: `${file} could not be read as a ${name} image: ${(error as Error).message}` };
  }
}

type Sharp = typeof import("sharp")["default"];

/** sharp, loaded on first use (libvips is large, and most sessions never see an image); null if it cannot load. */
async function loadSharp(): Promise<Sharp | null> {
  try {
    return (await import("sharp")).default;
  } catch {
    return null;
  }
}

function loaded(
  file: string,
  data: Buffer,
  format: ImageFormat,
  width?: number,
  height?: number,
): LoadedImage {
  return {
    part: { type: "input_image", image_url: `data:${MIME[format]};base64,${data.toString("base64")}` },
    path: file,
    format,
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
    bytes: data.length,
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** One line about an image as sent, e.g. "shot.png (2048×768 PNG, scaled down from 4000×1500)". */
export function describeImage(image: LoadedImage): string {
  const format =
    image.format === "jpeg" ? "JPEG" : image.format === "webp" ? "WebP" : image.format.toUpperCase();
  const notes = [
    ...(image.original ? [`scaled down from ${image.original.width}×${image.original.height}`] : []),
    ...(image.firstFrame ? ["first frame of an animation"] : []),
  ];
  const size = image.width !== undefined ? `${image.width}×${image.height} ` : "";
  return `${image.path} (${size}${format}${notes.map((note) => `, ${note}`).join("")})`;
}
