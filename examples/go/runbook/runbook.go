// Package runbook is the runbook as one program: open the security group to the source, create the replication
// account, point the RDS instance at the source's current binlog coordinates and start replication. Everything
// environment-specific comes from stack configuration (see README.md).
package runbook

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/rdsreplication/pulumi-rdsreplication/sdk/go/rdsreplication"
)

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Runbook is the program: main.go runs it for `pulumi up`, cmd/run through the Automation API.
func Runbook(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	dbInstance := cfg.Require("dbInstanceIdentifier")
	source := rdsreplication.GetSourceStatusOutput(ctx, rdsreplication.GetSourceStatusOutputArgs{})

	// Runbook step 5: open the RDS instance's security group to the external source.
	ingress, err := rdsreplication.NewSecurityGroupIngress(ctx, "ingress", &rdsreplication.SecurityGroupIngressArgs{
		DbInstanceIdentifier: pulumi.String(dbInstance),
		SourceCidr:           pulumi.String(orDefault(cfg.Get("sourceCidr"), "127.0.0.1/32")),
		Description:          pulumi.String("external MariaDB source"),
		Tags:                 pulumi.StringMap{"purpose": pulumi.String("rds-external-replication")},
	})
	if err != nil {
		return err
	}

	// Runbook steps 6-7: the replication account on the source.
	replUser, err := rdsreplication.NewReplicationUser(ctx, "replUser", &rdsreplication.ReplicationUserArgs{
		User:     pulumi.String(orDefault(cfg.Get("replicationUser"), "repl")),
		Host:     pulumi.String(orDefault(cfg.Get("replicaAccountHost"), "127.0.0.1")),
		Password: cfg.RequireSecret("replicationPassword"),
	})
	if err != nil {
		return err
	}

	// Runbook step 8: point the RDS instance at the source's current coordinates (a starting point only).
	externalMaster, err := rdsreplication.NewExternalMaster(ctx, "externalMaster", &rdsreplication.ExternalMasterArgs{
		DbInstanceIdentifier: pulumi.String(dbInstance),
		SourceHost:           pulumi.String(orDefault(cfg.Get("sourceHostForReplica"), "127.0.0.1")),
		SourcePort:           pulumi.Int(orDefault(cfg.GetInt("sourcePort"), 3306)),
		ReplicationUser:      replUser.User,
		ReplicationPassword:  replUser.Password,
		BinlogFile:           source.BinlogFile(),
		BinlogPosition:       source.BinlogPosition(),
		SslEncryption:        pulumi.Bool(cfg.GetBool("sslEncryption")),
	}, pulumi.DependsOn([]pulumi.Resource{ingress}))
	if err != nil {
		return err
	}

	// Runbook step 9: start replication and prove it runs.
	start, err := rdsreplication.NewReplicationStart(ctx, "start", &rdsreplication.ReplicationStartArgs{
		ExternalMasterId: externalMaster.ID(),
		MaxLagSeconds:    pulumi.Int(30),
		TimeoutSeconds:   pulumi.Int(120),
	})
	if err != nil {
		return err
	}

	ctx.Export("securityGroupRuleId", ingress.SecurityGroupRuleId)
	ctx.Export("grants", replUser.Grants)
	ctx.Export("procedure", externalMaster.Procedure)
	ctx.Export("ioRunning", start.IoRunning)
	ctx.Export("sqlRunning", start.SqlRunning)
	ctx.Export("secondsBehindSource", start.SecondsBehindSource)
	return nil
}
