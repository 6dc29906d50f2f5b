"""Seed moto (server mode) with what the runbook's AWS side needs: a VPC, a security group and an RDS instance
that uses it, of the replica's engine (mysql or mariadb, with its version). Idempotent: reuses what a previous
run created (found by name/tag); an instance of another engine is replaced.
Prints shell KEY=VALUE lines. Usage: seed_moto.py REPLICA_PORT [ENGINE VERSION]"""
import os
import sys

import boto3

replica_port = int(sys.argv[1]) if len(sys.argv) > 1 else 3306
engine = sys.argv[2] if len(sys.argv) > 2 else "mariadb"
# moto answers 500 for mariadb without an engine version; RDS versions are x.y.z (no "-MariaDB-log" suffix)
version = (sys.argv[3] if len(sys.argv) > 3 else "10.11.9").split("-")[0]
region = os.environ.get("AWS_REGION", "us-east-1")
endpoint = os.environ["AWS_ENDPOINT_URL"]
ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
rds = boto3.client("rds", region_name=region, endpoint_url=endpoint)
TAG = {"Key": "rdsreplication-testbed", "Value": "true"}

vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:rdsreplication-testbed", "Values": ["true"]}])["Vpcs"]
if vpcs:
    vpc_id = vpcs[0]["VpcId"]
else:
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16",
                            TagSpecifications=[{"ResourceType": "vpc", "Tags": [TAG]}])["Vpc"]["VpcId"]

groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["rds-replica-sg"]},
                                               {"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
if groups:
    sg_id = groups[0]["GroupId"]
else:
    sg_id = ec2.create_security_group(GroupName="rds-replica-sg", Description="RDS replica (test bed)",
                                      VpcId=vpc_id)["GroupId"]

instance_id = "rds-replica"
try:
    existing = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"][0]
    if (existing["Engine"], existing.get("EngineVersion")) != (engine, version):
        rds.delete_db_instance(DBInstanceIdentifier=instance_id, SkipFinalSnapshot=True)
        existing = None
except rds.exceptions.DBInstanceNotFoundFault:
    existing = None
if existing is None:
    rds.create_db_instance(DBInstanceIdentifier=instance_id, DBInstanceClass="db.t3.micro", Engine=engine,
                           EngineVersion=version, MasterUsername="admin", MasterUserPassword="unused-by-tests",
                           AllocatedStorage=20, Port=replica_port, VpcSecurityGroupIds=[sg_id],
                           BackupRetentionPeriod=7, MultiAZ=False)

print(f"VPC_ID={vpc_id}")
print(f"SECURITY_GROUP_ID={sg_id}")
print(f"DB_INSTANCE_ID={instance_id}")
