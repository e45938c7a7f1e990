package org.sparecycles.client.worker;

/** Exit codes of {@link WorkerMain}. */
public final class WorkerExit {
    /** Output and {@code result.json} written. */
    public static final int OK = 0;
    /** Bad invocation or unreadable {@code task.json}. */
    public static final int BAD_TASK = 2;
    /** The app refused an input ({@code AppException}); the message is in {@code error.txt}. */
    public static final int APP_ERROR = 3;
    /** Anything else went wrong; the message is in {@code error.txt}. */
    public static final int CRASH = 4;
    /** Standard input closed: the client is gone, so the worker stopped at once. */
    public static final int PARENT_GONE = 5;

    private WorkerExit() {
    }
}
