export {
  compaction,
  customToolCall,
  fault,
  functionCall,
  reasoning,
  reply,
  scenario,
  text,
  userMessage,
  webSearchCall,
} from "./builders.js";
export { cachedTokensFor, commonPrefixChars, estimateTokens, promptSegments } from "./cache.js";
export { decodeCompactionBlob, isRealUserMessage } from "./compact.js";
export { ManualClock } from "./manual-clock.js";
export { loadScenario, validateScenario } from "./scenario.js";
export { DEFAULT_MODELS, DEFAULT_PULLABLE, startFakeModelServer } from "./server.js";
export type {
  FakeModelServer,
  FakeModelServerOptions,
  FaultSpec,
  JsonObject,
  LastInputMatch,
  OutputSpec,
  ReasoningField,
  RecordedRequest,
  ResponseSpec,
  Scenario,
  Step,
  StepMatch,
  StepSpec,
} from "./types.js";
