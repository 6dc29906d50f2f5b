package io.rdsreplication.provider.mysql;

import java.util.List;
import java.util.Map;

/** Reading replication state on the RDS instance, where the master user may lack the status privilege. */
public final class Replication {
    private Replication() {
    }

    public static ReplicaStatus status(Session s) {
        ServerInfo v = s.server();
        String show = v.isMysql() && v.atLeast(8, 0, 22) || v.isMariadb() && v.atLeast(10, 5, 1)
                ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
        try {
            return ReplicaStatus.fromRows(s.query(show));
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() != SqlErrors.SPECIFIC_ACCESS_DENIED && e.code() != 1064) throw e;
        }
        // RDS for MariaDB 10.5+: the master user reads status through this procedure.
        List<Map<String, String>> rows = s.call("mysql.rds_replica_status");
        return ReplicaStatus.fromRows(rows);
    }
}
