package io.rdsreplication.provider.core;

/** A problem with one input property, reported by Check before any server or AWS call. */
public record CheckFailure(String property, String reason) {
}
