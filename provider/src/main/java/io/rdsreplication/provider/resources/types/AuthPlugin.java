package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Wire;

@SchemaType(token = "rdsreplication:index:AuthPlugin", description = "Authentication plugin of a replication account.")
public enum AuthPlugin implements Wire {
    @Value(value = "caching_sha2_password", description = "MySQL 8 default; the replica then needs `sslEncryption` (RDS procedures cannot request the public key).")
    CACHING_SHA2_PASSWORD,
    @Value(value = "ed25519", description = "MariaDB ed25519 plugin (must be installed on the source).")
    ED25519,
    @Value(value = "mysql_native_password", description = "MySQL/MariaDB native password hashing (the default on MariaDB).")
    MYSQL_NATIVE_PASSWORD
}
