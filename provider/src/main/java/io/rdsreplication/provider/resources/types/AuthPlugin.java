package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Wire;

@SchemaType(token = "rdsreplication:index:AuthPlugin", description = "Authentication plugin of a replication account.")
public enum AuthPlugin implements Wire {
    CACHING_SHA2_PASSWORD("caching_sha2_password", "MySQL 8 default; the replica then needs `sslEncryption` (RDS procedures cannot request the public key)."),
    ED25519("ed25519", "MariaDB ed25519 plugin (must be installed on the source)."),
    MYSQL_NATIVE_PASSWORD("mysql_native_password", "MySQL/MariaDB native password hashing (the default on MariaDB).");

    private final String wire;
    private final String description;

    AuthPlugin(String wire, String description) {
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
