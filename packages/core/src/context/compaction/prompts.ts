/** Our own texts for local (model-written) compaction. */

export const SUMMARY_PROMPT = `Context checkpoint. The conversation so far is about to be replaced by a summary that you now write; another instance of you will continue the work from that summary alone, with the same tools and the same repository.

Write a handoff note in Markdown with these sections:
## Goal
The user's objective, in their words where possible, and what "done" means.
## Constraints and preferences
Instructions, limits and conventions the user or the repository imposed.
## Decisions
What was decided and why, including approaches that were tried and rejected.
## Files touched
Every file created, changed or deleted, with one line on what changed.
## State of the plan
Each step with its status (done / in progress / todo).
## Next steps
The very next actions, concrete enough to execute without re-reading anything.
## Key facts
Commands, error messages, names, numbers and paths the next instance will need.

Be complete but terse. Do not call tools. Reply with the note only.`;

export const SUMMARY_PREFIX = `[nightshift context checkpoint] The earlier part of this conversation was compacted. The note below was written by the assistant that did that work, for you to continue from. Trust it, verify details in the repository when they matter, and carry on with the next steps.`;

export const PLAN_PREFIX = "[nightshift live plan] The plan as last recorded with update_plan:";

export const GOAL_PREFIX = "[nightshift original request] The user's first message in this session:";
