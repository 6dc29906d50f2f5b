package io.rdsreplication.provider.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On the first component of a state record: the resource's inputs, whose properties appear at the top level of
 * the state beside the outputs (a resource's state is its inputs plus its outputs).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Inputs {
}
