package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.TypedFunction;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.resources.cutover.CutoverResource;
import io.rdsreplication.provider.resources.eventsubscription.EventSubscriptionResource;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.functions.Functions;
import io.rdsreplication.provider.resources.replicationstart.ReplicationStartResource;
import io.rdsreplication.provider.resources.replicationuser.ReplicationUserResource;
import io.rdsreplication.provider.resources.securitygroupingress.SecurityGroupIngressResource;
import io.rdsreplication.provider.resources.sourcesnapshot.SourceSnapshotResource;

import java.util.List;

/** Every resource and function the provider serves, and its configuration: what the schema is generated from. */
public final class Catalog {
    private Catalog() {
    }

    public static List<TypedResource<Context, ?, ?>> resources() {
        return List.of(new ReplicationUserResource(), new SecurityGroupIngressResource(), new ExternalMasterResource(),
                new ReplicationStartResource(), new SourceSnapshotResource(), new EventSubscriptionResource(), new CutoverResource());
    }

    public static List<TypedFunction<Context, ?, ?>> functions() {
        return Functions.all();
    }

    /** The provider's configuration record (schema {@code config.variables} and the provider's inputs). */
    public static Class<ProviderConfig> config() {
        return ProviderConfig.class;
    }
}
