package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"rdsreplication-go/runbook"
)

// `pulumi up` runs this program: runbook.Runbook.
func main() {
	pulumi.Run(runbook.Runbook)
}
