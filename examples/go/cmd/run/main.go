// Command run runs the runbook through the Automation API as an inline program, for hosts without the go
// language plugin (the tests): `go run ./cmd/run up|preview|destroy WORK_DIR [STACK]`, where WORK_DIR holds this
// project's Pulumi.yaml and the stack's configuration (examples/stack-init.sh makes one). `preview` fails unless
// it shows no changes. Prints one JSON line with the operation's summary last.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"rdsreplication-go/runbook"
)

func run(ctx context.Context, op, workDir, stackName string) (any, error) {
	stack, err := auto.UpsertStackInlineSource(ctx, stackName, "rdsreplication-go", runbook.Runbook, auto.WorkDir(workDir))
	if err != nil {
		return nil, err
	}
	switch op {
	case "up":
		r, err := stack.Up(ctx, optup.ProgressStreams(os.Stdout))
		if err != nil {
			return nil, err
		}
		return map[string]any{"result": r.Summary.Result, "changes": r.Summary.ResourceChanges}, nil
	case "preview":
		r, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stdout), optpreview.ExpectNoChanges())
		if err != nil {
			return nil, err
		}
		return map[string]any{"changes": r.ChangeSummary}, nil
	case "destroy":
		r, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout))
		if err != nil {
			return nil, err
		}
		return map[string]any{"result": r.Summary.Result, "changes": r.Summary.ResourceChanges}, nil
	}
	return nil, fmt.Errorf("unknown operation %s (up, preview or destroy)", op)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: run up|preview|destroy [WORK_DIR [STACK]]")
		os.Exit(2)
	}
	workDir, stackName := ".", "dev"
	if len(os.Args) > 2 {
		workDir = os.Args[2]
	}
	if len(os.Args) > 3 {
		stackName = os.Args[3]
	}
	summary, err := run(context.Background(), os.Args[1], workDir, stackName)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	line, _ := json.Marshal(summary)
	fmt.Println(string(line))
}
