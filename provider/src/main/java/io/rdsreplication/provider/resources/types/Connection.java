package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.Getter;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Validation;

/**
 * How to reach one MySQL or MariaDB server. {@code host} and {@code port} say which server it is (a change
 * replaces the resource that holds it); the rest says how the provider logs in (a change is in place).
 */
@SchemaType(token = "rdsreplication:index:Connection", description = "How to reach a MySQL or MariaDB server.",
        alias = "rdsreplication:index:ProviderConnection",
        aliasDescription = "A default connection read from stack configuration (`rdsreplication:source`, `rdsreplication:replica`): the same fields as Connection.")
public record Connection(
        @Prop(value = "Host name or IP address of the server.", required = true, identity = true)
        String host,
        @Prop(value = "TCP port of the server.", defaultValue = "3306", identity = true, min = 1, max = 65535)
        Integer port,
        @Prop(value = "User name to log in with.", required = true)
        String username,
        @Prop(value = "Password of `username`.", secret = true)
        String password,
        @Prop(value = "TLS mode for the connection. Defaults to `preferred`.", defaultValue = "\"preferred\"")
        TlsMode tls,
        @Prop("PEM-encoded CA certificate(s) used to verify the server with `verifyCa` and `verifyIdentity`.")
        String caCert,
        @Prop(value = "Seconds to wait for a TCP connection before failing. Defaults to 10.", min = 1, max = 86400, unit = "seconds")
        Integer connectTimeoutSeconds,
        @Prop(value = "Seconds to wait for any single answer from the server before failing. Defaults to 60.", min = 1, max = 86400, unit = "seconds")
        Integer socketTimeoutSeconds) {

    /** The rules beyond types, required properties and bounds, for the connection at {@code g} of a resource's inputs. */
    public static <A> void check(Check<A> c, Getter<A, Connection> g) {
        Connection conn = c.news() == null ? null : g.apply(c.news());
        if (conn == null) return;
        if (conn.host() != null && !conn.host().isBlank() && !Validation.isHostName(conn.host())) {
            c.fail(g, Connection::host, "must be a host name or IP address, got " + Validation.show(conn.host()));
        }
        if (conn.username() != null && conn.username().indexOf('\0') >= 0) {
            c.fail(g, Connection::username, "must not contain NUL bytes");
        }
        if ((conn.tls() == TlsMode.VERIFY_CA || conn.tls() == TlsMode.VERIFY_IDENTITY) && conn.caCert() == null
                && !c.decoded().nested(g).given(Connection::caCert)) {
            c.fail(g, Connection::caCert, "is required when tls is " + conn.tls().wire());
        }
    }

    /** What the provider connects with. */
    public ConnectionSpec spec() {
        return new ConnectionSpec(host, port == null ? 3306 : port, username, new Secret(password == null ? "" : password),
                (tls == null ? TlsMode.PREFERRED : tls).wire(), caCert,
                connectTimeoutSeconds == null ? 10 : connectTimeoutSeconds,
                socketTimeoutSeconds == null ? 60 : socketTimeoutSeconds);
    }

    /** The server it names, as host:port. */
    public String address() {
        return host + ":" + (port == null ? 3306 : port);
    }

    @Override
    public String toString() {
        return "Connection[" + username + "@" + address() + "]";
    }
}
