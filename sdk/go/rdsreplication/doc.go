// Declarative replication from a MySQL or MariaDB server running outside Amazon RDS into an RDS for MySQL or MariaDB instance: the replication user, the security group rule, the initial copy, `mysql.rds_set_external_master` and `mysql.rds_start_replication`, with drift detection, import and ordered teardown.
package rdsreplication
