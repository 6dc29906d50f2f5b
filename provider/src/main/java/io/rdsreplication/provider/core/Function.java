package io.rdsreplication.provider.core;

import java.util.Map;

/** A provider function (Invoke) as the protocol sees it; implemented through {@link TypedFunction}. */
public interface Function<C> {
    String token();

    Map<String, Object> invoke(C ctx, Props args);
}
