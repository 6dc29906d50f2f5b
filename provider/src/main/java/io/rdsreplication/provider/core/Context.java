package io.rdsreplication.provider.core;

import io.rdsreplication.provider.aws.AwsClients;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Session;

/**
 * What an operation may use: the provider configuration, AWS clients, connections, the user's CLI, and the URN
 * of the resource it works on (empty for functions).
 */
public record Context(ProviderConfig config, AwsClients aws, Progress progress, String urn) {

    /** The connection for {@code role} ("source" or "replica"): the resource's own, else the provider's. */
    public ConnectionSpec connection(Props inputs, String role) {
        Props own = inputs == null ? null : inputs.object(role);
        Props p = own != null ? own : (role.equals("source") ? config.source() : config.replica());
        return ConnectionSpec.from(p, role);
    }

    public Session open(Props inputs, String role) {
        return Session.open(connection(inputs, role), role);
    }

    public Context withProgress(Progress p) {
        return new Context(config, aws, p, urn);
    }
}
