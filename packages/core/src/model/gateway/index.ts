export { type BreakerState, CircuitBreakers } from "./breaker.js";
export { type FailureVerdict, judgeFailure } from "./failure.js";
export { type GatewayNotice, type GatewayOptions, ModelGateway } from "./gateway-client.js";
export { ItemOrigins, portableInput } from "./portable-input.js";
export { type ModelEntry, type ModelRoute, parseModelEntry, routeLabel } from "./route.js";
