package io.rdsreplication.provider.core;

/** An enum of the schema: each constant's value on the wire and its description. */
public interface Wire {
    String wire();

    String description();
}
