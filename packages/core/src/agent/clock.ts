export { type Clock, startTimer, systemClock } from "../util/clock.js";
