package io.rdsreplication.provider.core;

/** Messages to the user's CLI during an operation: ephemeral status lines, info and warnings. */
public interface Progress {
    void status(String message);

    void info(String message);

    void warn(String message);

    Progress NONE = new Progress() {
        @Override
        public void status(String message) {
        }

        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
        }
    };
}
