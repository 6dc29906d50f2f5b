package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Wire;

@SchemaType(token = "rdsreplication:index:TlsMode", description = "TLS mode of a connection.")
public enum TlsMode implements Wire {
    @Value(value = "disabled", description = "Plain TCP.")
    DISABLED,
    @Value(value = "preferred", description = "TLS when the server offers it, without verification.")
    PREFERRED,
    @Value(value = "required", description = "TLS required; the server certificate is not verified.")
    REQUIRED,
    @Value(value = "verifyCa", description = "TLS required and the certificate must chain to `caCert`.")
    VERIFY_CA,
    @Value(value = "verifyIdentity", description = "As `verifyCa`, and the host name must match the certificate.")
    VERIFY_IDENTITY
}
