package io.rdsreplication.provider.core;

/** Provider configuration (schema {@code config.variables}). */
public record ProviderConfig(String region, String profile, String awsEndpointUrl, Integer awsTimeoutSeconds,
                             Props source, Props replica) {
    public static final ProviderConfig EMPTY = new ProviderConfig(null, null, null, null, null, null);

    public static ProviderConfig from(Props p) {
        return new ProviderConfig(p.string("region"), p.string("profile"), p.string("awsEndpointUrl"),
                p.integer("awsTimeoutSeconds"), p.object("source"), p.object("replica"));
    }
}
