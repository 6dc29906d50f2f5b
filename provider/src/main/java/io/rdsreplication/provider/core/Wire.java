package io.rdsreplication.provider.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An enum of the schema. Each constant declares its value on the wire and its description with {@link Value};
 * the enum only says {@code implements Wire}.
 */
public interface Wire {
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Value {
        String value();

        String description();
    }

    default String wire() {
        return declared().value();
    }

    default String description() {
        return declared().description();
    }

    private Value declared() {
        Enum<?> e = (Enum<?>) this;
        try {
            Value v = e.getDeclaringClass().getField(e.name()).getAnnotation(Value.class);
            if (v == null) throw new IllegalStateException(e.getDeclaringClass().getSimpleName() + "." + e.name() + " has no @Wire.Value");
            return v;
        } catch (NoSuchFieldException x) {
            throw new IllegalStateException(x);
        }
    }
}
