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

    /** Check, with a type error in any input (thrown by {@link Props}) reported as a failure of that property. */
    static CheckResult checkSafely(Resource r, Props olds, Props news) {
        try {
            return r.check(olds, news);
        } catch (ProviderException.InvalidInput e) {
            return new CheckResult(news.copy(), e.failures());
        }
    }

    record CheckResult(Map<String, Object> inputs, List<CheckFailure> failures) {
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
