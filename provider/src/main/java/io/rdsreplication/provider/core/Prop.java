package io.rdsreplication.provider.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One property of a resource, function or object type, declared on a record component: the single place that
 * says what the schema, Check, Diff and the codec know about it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Prop {
    /** The description (markdown) that the schema and every SDK show. */
    String value();

    /** An input the user must give (Check says "is required" when it is absent). */
    boolean required() default false;

    /** Words after "is required" when a required input is absent (e.g. ": the source's IP address"). */
    String hint() default "";

    /** Set in every state although the user need not give it (a default, a generated or a resolved value). */
    boolean always() default false;

    /** Marked secret in state and outputs, and in the SDKs. */
    boolean secret() default false;

    /** A change replaces the resource ({@code replaceOnChanges}). */
    boolean replaces() default false;

    /**
     * In an object type: names which server the object points at (a connection's host and port). A change
     * replaces the resource that holds the object; a change of its other fields is an in-place update.
     */
    boolean identity() default false;

    /** The resource's own diff decides about this input (the generic comparison skips it). */
    boolean customDiff() default false;

    /** The default, as its JSON text (e.g. {@code 3306}, {@code "preferred"}, {@code false}); applied on decode. */
    String defaultValue() default "";

    /** Bounds of a whole number, checked by Check with the message "must be between min and max, got v". */
    long min() default Long.MIN_VALUE;

    long max() default Long.MAX_VALUE;

    /** An object property that refers to its type by the type's {@link SchemaType#alias}. */
    boolean alias() default false;

    /** Words after the bounds in their message, e.g. "seconds". */
    String unit() default "";
}
