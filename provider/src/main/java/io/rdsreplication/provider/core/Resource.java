package io.rdsreplication.provider.core;

import java.util.List;
import java.util.Map;

/**
 * One resource type's lifecycle as the protocol sees it: plain property maps in, plain maps out. Resources
 * implement it through {@link TypedResource}, which declares the properties once as records; {@code C} is the
 * context an operation receives (connections, AWS clients, progress, cancellation).
 */
public interface Resource<C> {
    String token();

    /** Validates and normalises inputs (defaults applied), reporting every bad input at once. No server or AWS call. */
    CheckResult check(Props olds, Props news);

    /** Compares the stored state with the new inputs. No server or AWS call. */
    DiffResult diff(String id, Props olds, Props news);

    /** Creates the object; with {@code preview} returns the outputs it expects, unknown where the server decides. */
    CreateResult create(C ctx, Props inputs, boolean preview);

    /**
     * Reads the object back. {@code state} is empty for {@code pulumi import}. Returns {@link ReadResult#gone()}
     * when the object no longer exists.
     */
    ReadResult read(C ctx, String id, Props state, Props inputs);

    Map<String, Object> update(C ctx, String id, Props olds, Props news, boolean preview);

    void delete(C ctx, String id, Props state);

    /** Check's answer; {@code warnings} reach the user's CLI (valid input that deserves a word). */
    record CheckResult(Map<String, Object> inputs, List<CheckFailure> failures, List<String> warnings) {
        public CheckResult(Map<String, Object> inputs, List<CheckFailure> failures) {
            this(inputs, failures, List.of());
        }
    }

    record CreateResult(String id, Map<String, Object> outputs) {
    }

    record ReadResult(String id, Map<String, Object> outputs, Map<String, Object> inputs) {
        public static ReadResult gone() {
            return new ReadResult("", Map.of(), Map.of());
        }

        public boolean isGone() {
            return id == null || id.isEmpty();
        }
    }
}
