import { z } from "zod";
import { defineFunctionTool, type ToolDisplay, type ToolResult, type UserInputResponse } from "../tool.js";

const parameters = z.object({
  question: z.string().trim().min(1).max(1_000).describe("One short question for the user."),
  choices: z
    .array(z.string().trim().min(1).max(200))
    .min(2)
    .max(8)
    .optional()
    .describe(
      "Answers to choose from, when the answer is one of a few (the user may still write their own).",
    ),
});

export const REQUEST_USER_INPUT_DESCRIPTION = `Ask the user one short question and wait for the answer.
Use it only when you cannot go on well without the user: a decision between approaches that is theirs to make, or a fact only they know. Offer choices when the answer is one of a few; the user may still answer in their own words.
When no one is there to answer (an unattended session), you are told so at once: then decide yourself, say what you chose and why, and do not ask again.`;

/**
 * Puts a question to the person at the face: the TUI shows it with its choices, the MCP server
 * asks its client through an elicitation, headless faces answer at once that no one is there.
 * Never waits on a face that cannot answer.
 */
export const requestUserInputTool = defineFunctionTool({
  name: "request_user_input",
  description: REQUEST_USER_INPUT_DESCRIPTION,
  // One question at a time: it never runs beside another call.
  readOnly: false,
  parameters,
  describe: (args) => display(args, "waiting"),
  async execute(args, ctx) {
    const ask = ctx.requestUserInput;
    const response: UserInputResponse = ask
      ? await ask({ question: args.question, ...(args.choices ? { choices: args.choices } : {}) })
      : { status: "unavailable" };
    if (ctx.signal.aborted) {
      return { output: "The question was withdrawn: the user interrupted the turn.", success: false };
    }
    return resultFor(args, response);
  },
});

type Args = z.infer<typeof parameters>;

function resultFor(args: Args, response: UserInputResponse): ToolResult {
  switch (response.status) {
    case "answered":
      return {
        output: `The user answered: ${response.answer}`,
        success: true,
        display: { ...display(args, "answered"), answer: response.answer },
      };
    case "declined":
      return {
        output:
          "The user chose not to answer. Decide yourself (say which way you went and why), or ask differently if you truly cannot go on.",
        success: false,
        display: display(args, "declined"),
      };
    case "unavailable":
      return {
        output:
          "No one is here to answer: this session runs unattended. Do not ask again. Make the most reasonable choice yourself, say which one you made and why, and go on.",
        success: false,
        display: display(args, "unavailable"),
      };
  }
}

type QuestionDisplay = Extract<ToolDisplay, { kind: "question" }>;

function display(args: Args, status: QuestionDisplay["status"]): QuestionDisplay {
  return {
    kind: "question",
    question: args.question,
    ...(args.choices ? { choices: args.choices } : {}),
    status,
  };
}
