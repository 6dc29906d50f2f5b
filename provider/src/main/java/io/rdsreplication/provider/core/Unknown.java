package io.rdsreplication.provider.core;

/** A value not known yet (during preview); decoded from any of the engine's seven unknown sentinels. */
public enum Unknown {
    VALUE;

    @Override
    public String toString() {
        return "<unknown>";
    }
}
