package org.sparecycles.server.lifecycle;

/** The three state dimensions of a result, as BOINC has them. Transitions only through {@link ResultTransitions}. */
public final class ResultState {
    private ResultState() {
    }

    /** Where the result is: waiting to be sent, on a host, or finished one way or another. */
    public enum Server { UNSENT, IN_PROGRESS, OVER }

    /** How an OVER result ended. */
    public enum Outcome { SUCCESS, CLIENT_ERROR, NO_REPLY, DIDNT_NEED, VALIDATE_ERROR }

    /** What the validator made of a SUCCESS result. */
    public enum Validate { INIT, VALID, INVALID, INCONCLUSIVE }
}
