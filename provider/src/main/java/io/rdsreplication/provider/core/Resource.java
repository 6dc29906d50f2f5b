package io.rdsreplication.provider.core;

import java.util.List;
import java.util.Map;

/**
 * One resource type's lifecycle. Implementations receive decoded inputs and state ({@link Props}) and
 * return plain maps; they never see protobuf. Check and Diff make no server or AWS calls.
 */
public interface Resource {
    String token();

    /** Validates and normalises inputs (defaults applied). No server or AWS call. */
    CheckResult check(Props olds, Props news);

    /** Compares the stored state with the new inputs. No server or AWS call. */
    DiffResult diff(String id, Props olds, Props news);

    /** Creates the object; with {@code preview} returns the outputs it expects, unknown where the server decides. */
    CreateResult create(Context ctx, Props inputs, boolean preview);

    /**
     * Reads the object back. {@code state} is empty for {@code pulumi import}. Returns {@link ReadResult#gone()}
     * when the object no longer exists.
     */
    ReadResult read(Context ctx, String id, Props state, Props inputs);

    Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview);

    void delete(Context ctx, String id, Props state);

    /**
     * Check, reporting every bad input at once. A value of the wrong type makes {@link Props} throw at the
     * first read; that value is then set aside as unknown (which every Check skips) and Check runs again, so a
     * type error in one field never hides the failures of the others. Each failure names its property path.
     */
    static CheckResult checkSafely(Resource r, Props olds, Props news) {
        CheckResult[] last = {null};
        List<CheckFailure> failures = Props.collect(news, current -> {
            last[0] = current == news ? r.check(olds, current) : null;
            return last[0] != null ? last[0].failures() : r.check(olds, current).failures();
        });
        // after a type error, the inputs were computed from a copy with that value set aside: return the originals
        return last[0] != null ? last[0] : new CheckResult(news.copy(), failures);
    }

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
