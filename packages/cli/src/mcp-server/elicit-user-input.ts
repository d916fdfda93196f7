import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { UserInputRequest, UserInputResponse } from "@nightshift/core";

/** A person may take a while to answer; the SDK's default request timeout (60 s) is too short. */
const ELICITATION_TIMEOUT_MS = 24 * 60 * 60 * 1000;

type StringField = { type: "string"; title: string; description?: string; enum?: string[] };

/** The form the client shows: a choice among the model's choices when it gave some, and free text. */
export function questionSchema(request: UserInputRequest): {
  type: "object";
  properties: Record<string, StringField>;
  required: string[];
} {
  const answer: StringField = {
    type: "string",
    title: request.choices ? "Or your own answer" : "Answer",
    description: "Your answer, in your own words",
  };
  if (!request.choices) return { type: "object", properties: { answer }, required: ["answer"] };
  const choice: StringField = { type: "string", title: "Choice", enum: [...request.choices] };
  return { type: "object", properties: { choice, answer }, required: [] };
}

/**
 * Asks the MCP client the model's question (request_user_input) through an elicitation (form
 * mode). A client that cannot elicit, or fails to, has no one to ask: the model is told so and
 * decides itself. `accept` answers (own words before a choice), `decline` and `cancel` leave the
 * question unanswered.
 */
export async function elicitUserInput(
  server: Server,
  request: UserInputRequest,
  signal: AbortSignal,
): Promise<UserInputResponse> {
  if (!server.getClientCapabilities()?.elicitation?.form) return { status: "unavailable" };
  try {
    const result = await server.elicitInput(
      {
        mode: "form",
        message: `nightshift asks: ${request.question}`,
        requestedSchema: questionSchema(request),
      },
      { signal, timeout: ELICITATION_TIMEOUT_MS },
    );
    if (result.action !== "accept") return { status: "declined" };
    const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
    const answer = text(result.content?.answer) || text(result.content?.choice);
    return answer === "" ? { status: "declined" } : { status: "answered", answer };
  } catch {
    return signal.aborted ? { status: "declined" } : { status: "unavailable" };
  }
}
