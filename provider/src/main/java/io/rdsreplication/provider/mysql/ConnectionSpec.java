package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** How to reach one MySQL/MariaDB server (schema type {@code Connection}). {@code toString} hides the password. */
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

    /** Validates a Connection object; failures name the property by its path. Unknown parts are skipped. */
    public static List<CheckFailure> validate(Props p) {
        if (p == null) return new ArrayList<>();
        return Props.collect(p, ConnectionSpec::validateOnce);
    }

    private static List<CheckFailure> validateOnce(Props p) {
        List<CheckFailure> out = new ArrayList<>();
        if (!p.isUnknown("host")) {
            String host = p.string("host");
            if (host == null || host.isBlank()) out.add(new CheckFailure(p.name("host"), "is required"));
            else if (!Validation.isHostName(host)) {
                out.add(new CheckFailure(p.name("host"), "must be a host name or IP address, got " + Validation.show(host)));
            }
        }
        if (!p.isUnknown("username")) {
            String user = p.string("username");
            if (user == null || user.isEmpty()) out.add(new CheckFailure(p.name("username"), "is required"));
            else if (user.indexOf('\0') >= 0) out.add(new CheckFailure(p.name("username"), "must not contain NUL bytes"));
        }
        if (!p.isUnknown("port") && p.has("port")) {
            int port = p.integer("port");
            if (port < 1 || port > 65535) out.add(new CheckFailure(p.name("port"), "must be between 1 and 65535, got " + port));
        }
        if (!p.isUnknown("tls") && p.has("tls") && !TLS_MODES.contains(p.string("tls"))) {
            out.add(new CheckFailure(p.name("tls"), "must be one of disabled, preferred, required, verifyCa, verifyIdentity"));
        }
        if (!p.isUnknown("tls") && ("verifyCa".equals(p.string("tls")) || "verifyIdentity".equals(p.string("tls")))
                && !p.has("caCert")) {
            out.add(new CheckFailure(p.name("caCert"), "is required when tls is " + p.string("tls")));
        }
        for (String k : List.of("connectTimeoutSeconds", "socketTimeoutSeconds")) {
            if (!p.isUnknown(k) && p.has(k)) {
                int v = p.integer(k);
                if (v < 1 || v > 86400) out.add(new CheckFailure(p.name(k), "must be between 1 and 86400 seconds"));
            }
        }
        return out;
    }

    /** Builds a spec from a validated Connection object; {@code what} names it in errors when it is missing. */
    public static ConnectionSpec from(Props p, String what) {
        if (p == null) {
            throw new ProviderException.InvalidInput(what, "no connection given: set `" + what
                    + "` on the resource or `rdsreplication:" + what + "` in the provider configuration");
        }
        List<CheckFailure> failures = validate(p);
        if (!failures.isEmpty()) throw new ProviderException.InvalidInput(failures);
        Object pw = p.raw("password");
        Secret secret = pw instanceof Secret s ? s : new Secret(pw == null ? "" : pw.toString());
        return new ConnectionSpec(p.string("host"), p.integer("port", 3306), p.string("username"), secret,
                p.string("tls", "preferred"), p.string("caCert"), p.integer("connectTimeoutSeconds", 10),
                p.integer("socketTimeoutSeconds", 60));
    }

    @Override
    public String toString() {
        return "Connection[" + username + "@" + host + ":" + port + ", tls=" + tls + "]";
    }
}
