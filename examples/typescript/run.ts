import * as automation from "@pulumi/pulumi/automation";
import { runbook } from "./runbook";

/**
 * Runs runbook.ts through the Automation API as an inline program, for hosts without the nodejs language plugin
 * (the tests): `node bin/run.js up|preview|destroy WORK_DIR`, where WORK_DIR holds this project's Pulumi.yaml and
 * the stack's configuration (examples/stack-init.sh makes one). `preview` fails unless it shows no changes.
 * Prints one JSON line with the operation's summary last.
 */
async function main(op: string, workDir: string, stackName: string) {
    const stack = await automation.LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "rdsreplication-typescript", program: async () => runbook() },
        { workDir });
    const onOutput = (s: string) => process.stdout.write(s);
    switch (op) {
        case "up": {
            const r = await stack.up({ onOutput });
            console.log(JSON.stringify({ result: r.summary.result, changes: r.summary.resourceChanges ?? {} }));
            break;
        }
        case "preview": {
            const r = await stack.preview({ onOutput, expectNoChanges: true });
            console.log(JSON.stringify({ changes: r.changeSummary }));
            break;
        }
        case "destroy": {
            const r = await stack.destroy({ onOutput });
            console.log(JSON.stringify({ result: r.summary.result, changes: r.summary.resourceChanges ?? {} }));
            break;
        }
        default:
            throw new Error(`unknown operation ${op} (up, preview or destroy)`);
    }
}

const [op, workDir, stackName] = process.argv.slice(2);
main(op, workDir ?? process.cwd(), stackName ?? "dev").catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
