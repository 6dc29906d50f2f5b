package io.rdsreplication.provider.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An object type (a record) or an enum (implementing {@link Wire}) of the schema, with its token. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SchemaType {
    String token();

    String description();

    /** A second token for the same object type, with its own description (config cannot share a type with inputs). */
    String alias() default "";

    String aliasDescription() default "";
}
