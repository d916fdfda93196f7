import { z } from "zod";
import { describeImage, loadImage } from "../../images/load-image.js";
import { resolveToolPath } from "../read-file/paths.js";
import { defineFunctionTool } from "../tool.js";

const parameters = z.object({
  path: z.string().min(1).describe("Image file to look at, absolute or relative to the working directory."),
});

export const VIEW_IMAGE_DESCRIPTION = `Look at an image file (PNG, JPEG, GIF or WebP): the image is attached to this tool's output for you to see.
- path: absolute, or relative to the working directory.
- Large images are scaled down to at most 2048×768 pixels; of an animation, the first frame is shown.
Use it for screenshots, diagrams and rendered output in the workspace; use read_file for text.`;

/**
 * Lets the model see an image file. Read-only, and it reads only what read_file may read: files
 * are opened through the same guard (no FIFOs, no process entries under /proc).
 */
export const viewImageTool = defineFunctionTool({
  name: "view_image",
  description: VIEW_IMAGE_DESCRIPTION,
  readOnly: true,
  parameters,
  describe: (args) => ({ kind: "read", path: args.path }),
  async execute(args, ctx) {
    const file = resolveToolPath(ctx.cwd, args.path, ctx.env);
    const image = await loadImage(file);
    if ("error" in image)
      return { output: image.error, success: false, display: { kind: "read", path: file } };
    return {
      output: `Image ${describeImage(image)}`,
      content: [image.part],
      success: true,
      display: { kind: "read", path: file },
    };
  },
});
