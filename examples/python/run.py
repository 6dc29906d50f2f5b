"""Runs runbook.py through the Automation API as an inline program, for hosts without the python language plugin
(the tests): `python run.py up|preview|destroy WORK_DIR [STACK]`, where WORK_DIR holds this project's Pulumi.yaml
and the stack's configuration (examples/stack-init.sh makes one). `preview` fails unless it shows no changes.
Prints one JSON line with the operation's summary last."""
import json
import os
import sys

from pulumi import automation

from runbook import runbook


def main(op, work_dir, stack_name):
    # for an inline program the work folder goes in the options (the work_dir argument is for local programs)
    stack = automation.create_or_select_stack(
        stack_name=stack_name, project_name="rdsreplication-python", program=runbook,
        opts=automation.LocalWorkspaceOptions(work_dir=work_dir))
    out = lambda line: print(line, flush=True)  # noqa: E731
    if op == "up":
        r = stack.up(on_output=out)
        print(json.dumps({"result": r.summary.result, "changes": r.summary.resource_changes or {}}))
    elif op == "preview":
        r = stack.preview(on_output=out, expect_no_changes=True)
        print(json.dumps({"changes": r.change_summary}))
    elif op == "destroy":
        r = stack.destroy(on_output=out)
        print(json.dumps({"result": r.summary.result, "changes": r.summary.resource_changes or {}}))
    else:
        raise SystemExit(f"unknown operation {op} (up, preview or destroy)")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1] if len(args) > 1 else os.getcwd(), args[2] if len(args) > 2 else "dev")
