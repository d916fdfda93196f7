/**
 * The live dashboard of a long run (`nightshift run` on a terminal, `nightshift run attach`): a
 * pure reducer over the run's events and state snapshots, and an Ink view of it.
 */
export {
  type DashboardAction,
  type DashboardState,
  dashboardFigures,
  initialDashboard,
  reduceDashboard,
  statusLabel,
} from "./dashboard-state.js";
export {
  type DashboardHandle,
  type DashboardOptions,
  type Every,
  mountRunDashboard,
} from "./mount-dashboard.js";
export { RunDashboard } from "./RunDashboard.js";
