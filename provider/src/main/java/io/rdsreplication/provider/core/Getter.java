package io.rdsreplication.provider.core;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A record accessor given as a method reference ({@code Args::port}): names a property without a string. Its
 * property name is the accessor's name, read once from the reference's serialized form.
 */
@FunctionalInterface
public interface Getter<T, R> extends java.util.function.Function<T, R>, Serializable {
    Map<Class<?>, String> NAMES = new ConcurrentHashMap<>();

    default String property() {
        return NAMES.computeIfAbsent(getClass(), c -> {
            try {
                Method m = c.getDeclaredMethod("writeReplace");
                m.setAccessible(true);
                return ((SerializedLambda) m.invoke(this)).getImplMethodName();
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("a Getter must be a method reference to a record accessor", e);
            }
        });
    }
}
