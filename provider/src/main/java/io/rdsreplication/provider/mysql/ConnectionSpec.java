package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.core.Secret;

import java.util.Set;

/** How to reach one MySQL/MariaDB server, validated (from the schema type {@code Connection}). {@code toString} hides the password. */
public record ConnectionSpec(String host, int port, String username, Secret password, String tls, String caCert,
                             int connectTimeoutSeconds, int socketTimeoutSeconds) {
    public static final Set<String> TLS_MODES = Set.of("disabled", "preferred", "required", "verifyCa", "verifyIdentity");

    public String address() {
        return host + ":" + port;
    }

    public String passwordValue() {
        Object v = password == null ? null : password.value();
        return v == null ? "" : v.toString();
    }

    @Override
    public String toString() {
        return "Connection[" + username + "@" + host + ":" + port + ", tls=" + tls + "]";
    }
}
