package org.sparecycles.workunits.app;

import java.util.List;

/**
 * What a running work unit may tell its host: progress and checkpoints. Implemented by the client's worker
 * process (which writes them to disk) and by the command-line runner (which prints progress).
 */
public interface AppContext {

    /** Fraction done, 0 to 1. */
    void progress(double fractionDone);

    /**
     * Records that the results of the first {@code done.size()} input files are final; a restarted run resumes
     * after them. Called between input files. Each element is one file's result in canonical JSON
     * ({@link org.sparecycles.workunits.json.CanonicalJson#write}); neither the list nor the arrays may be changed.
     */
    void checkpoint(List<byte[]> done);

    /**
     * Results recorded by the last checkpoint of an earlier run of this work unit, one file's canonical JSON each;
     * empty when starting fresh.
     */
    List<byte[]> resumeFrom();

    /** A context that records nothing: for local runs that need no resume. */
    static AppContext none() {
        return new AppContext() {
            @Override
            public void progress(double fractionDone) {
            }

            @Override
            public void checkpoint(List<byte[]> done) {
            }

            @Override
            public List<byte[]> resumeFrom() {
                return List.of();
            }
        };
    }
}
