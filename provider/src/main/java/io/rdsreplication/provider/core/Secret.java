package io.rdsreplication.provider.core;

import java.util.Objects;

/** A value marked secret by Pulumi. Never printed: {@code toString()} is "***". */
public final class Secret {
    private final Object value;

    public Secret(Object value) {
        this.value = value;
    }

    public Object value() {
        return value;
    }

    /** The plain value of {@code o}, unwrapping a Secret. */
    public static Object unwrap(Object o) {
        return o instanceof Secret s ? s.value : o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Objects.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return "***";
    }
}
