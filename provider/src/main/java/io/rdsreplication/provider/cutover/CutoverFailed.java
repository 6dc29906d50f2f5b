package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.core.ProviderException;

/**
 * A cutover that stopped before the replica was detached. {@link #step()} is where it stopped;
 * {@link #sourceFenced()} is true when the source is left read-only: un-fencing failed, or it was read-only when
 * this cutover began (an earlier one interrupted behind the fence). The message then says so and how to lower the
 * fence by hand.
 */
public final class CutoverFailed extends ProviderException.Precondition {
    private final Cutover.Step step;
    private final boolean sourceFenced;

    CutoverFailed(Cutover.Step step, boolean sourceFenced, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.sourceFenced = sourceFenced;
    }

    public Cutover.Step step() {
        return step;
    }

    public boolean sourceFenced() {
        return sourceFenced;
    }
}
