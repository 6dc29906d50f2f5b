package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.Function;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.functions.Functions;
import io.rdsreplication.provider.resources.replicationstart.ReplicationStartResource;
import io.rdsreplication.provider.resources.replicationuser.ReplicationUserResource;
import io.rdsreplication.provider.resources.securitygroupingress.SecurityGroupIngressResource;
import io.rdsreplication.provider.resources.sourcesnapshot.SourceSnapshotResource;

import java.util.List;

/** Every resource and function the provider serves. */
public final class Catalog {
    private Catalog() {
    }

    public static List<Resource> resources() {
        return List.of(new ReplicationUserResource(), new SecurityGroupIngressResource(), new ExternalMasterResource(),
                new ReplicationStartResource(), new SourceSnapshotResource());
    }

    public static List<Function> functions() {
        return Functions.all();
    }
}
