import { runbook } from "./runbook";

// `pulumi up` runs this file: the program is runbook.ts, and what it returns are the stack outputs.
export = runbook;
