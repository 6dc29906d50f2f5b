package io.rdsreplication.provider.aws;

import io.rdsreplication.provider.core.ProviderException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** RDS DescribeDBInstances and endpoint resolution. */
public final class Instances {
    private Instances() {
    }

    public static DBInstance describe(RdsClient rds, String id) {
        try {
            var list = rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances();
            if (list.isEmpty()) throw new ProviderException.NotFound("no RDS DB instance named " + id);
            return list.get(0);
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) {
                throw new ProviderException.Precondition("no RDS DB instance named " + id
                        + " in this account and region; check dbInstanceIdentifier and rdsreplication:region");
            }
            throw AwsErrors.wrap(e, "DescribeDBInstances " + id);
        }
    }

    /** IP addresses {@code host} resolves to now; empty when it does not resolve. */
    public static List<String> resolve(String host) {
        List<String> out = new ArrayList<>();
        if (host == null || host.isEmpty()) return out;
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!out.contains(a.getHostAddress())) out.add(a.getHostAddress());
            }
        } catch (UnknownHostException | SecurityException e) {
            return out;
        }
        return out;
    }
}
