export { buildChatBody, chatToolsJson } from "./body.js";
export { type ChatClientOptions, createChatCompletionsClient } from "./client.js";
export { classifyChatHttpError, classifyChatStreamError } from "./errors.js";
export { type ChatMessage, ChatMessageMapper, type ReasoningEcho } from "./messages.js";
export { looksTruncated, repairToolArguments } from "./repair-arguments.js";
export { type ChatStreamContext, parseChatStream } from "./stream.js";
export { type ContentSegment, ThinkTagSplitter } from "./think-tags.js";
export { type AssembledCall, ToolCallAssembler } from "./tool-calls.js";
export { estimateUsage, parseChatUsage } from "./usage.js";
