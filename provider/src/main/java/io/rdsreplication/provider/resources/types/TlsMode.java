package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Wire;

@SchemaType(token = "rdsreplication:index:TlsMode", description = "TLS mode of a connection.")
public enum TlsMode implements Wire {
    DISABLED("disabled", "Plain TCP."),
    PREFERRED("preferred", "TLS when the server offers it, without verification."),
    REQUIRED("required", "TLS required; the server certificate is not verified."),
    VERIFY_CA("verifyCa", "TLS required and the certificate must chain to `caCert`."),
    VERIFY_IDENTITY("verifyIdentity", "As `verifyCa`, and the host name must match the certificate.");

    private final String wire;
    private final String description;

    TlsMode(String wire, String description) {
        this.wire = wire;
        this.description = description;
    }

    @Override
    public String wire() {
        return wire;
    }

    @Override
    public String description() {
        return description;
    }
}
