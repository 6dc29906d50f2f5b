package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Wire;

@SchemaType(token = "rdsreplication:index:LockMode", description = "How SourceSnapshot obtains a consistent copy.")
public enum LockMode implements Wire {
    @Value(value = "snapshot", description = "A consistent snapshot; any lock lasts milliseconds, the source stays writable.")
    SNAPSHOT,
    @Value(value = "readOnly", description = "The runbook's procedure: FLUSH TABLES WITH READ LOCK and read_only=ON for the whole copy.")
    READ_ONLY
}
