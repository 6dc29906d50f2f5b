package io.rdsreplication.provider.core;

import java.util.Map;

/** A provider function (Invoke): reads something and returns plain values. */
public interface Function {
    String token();

    Map<String, Object> invoke(Context ctx, Props args);
}
