package io.rdsreplication.provider.resources.types;

import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Wire;

@SchemaType(token = "rdsreplication:index:LockMode", description = "How SourceSnapshot obtains a consistent copy.")
public enum LockMode implements Wire {
    SNAPSHOT("snapshot", "A consistent snapshot; any lock lasts milliseconds, the source stays writable."),
    READ_ONLY("readOnly", "The runbook's procedure: FLUSH TABLES WITH READ LOCK and read_only=ON for the whole copy.");

    private final String wire;
    private final String description;

    LockMode(String wire, String description) {
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
